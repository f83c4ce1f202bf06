using Alerts.WebPush;

namespace Alerts.Benchmarks.PerCore;

/// <summary>
/// What Alerts' worker does per push before the request goes out: encrypt for the subscriber (RFC 8291)
/// and get the VAPID header (RFC 8292, cached per push-service origin). <see cref="PrepareOne"/> is the
/// only call into Alerts.WebPush: when that API changes, adapt this method alone.
/// </summary>
internal sealed class AlertsSender(VapidKeys keys) : IPushPreparation
{
    private readonly VapidAuthentication _vapid = new(keys, "mailto:bench@example.com", TimeProvider.System);

    public string Name => "Alerts.WebPush";

    public int PrepareOne(byte[] payload, BenchmarkSubscriber subscriber, Uri endpoint)
    {
        var body = PushMessageEncryptor.Encrypt(payload, subscriber.P256dh, subscriber.Auth);
        var authorization = _vapid.GetAuthorizationHeaderValue(endpoint);
        return body.Length + authorization.Length;
    }

    public void Dispose() => _vapid.Dispose();
}

/// <summary>One push prepared by a sender: encryption and VAPID, no network.</summary>
internal interface IPushPreparation : IDisposable
{
    string Name { get; }

    /// <returns>Something from the result, so the work cannot be optimised away.</returns>
    int PrepareOne(byte[] payload, BenchmarkSubscriber subscriber, Uri endpoint);
}

/// <summary>A subscriber's public keys as a sender sees them: the raw p256dh point and auth secret, and base64url.</summary>
internal sealed record BenchmarkSubscriber(byte[] P256dh, byte[] Auth)
{
    public string P256dhText { get; } = System.Buffers.Text.Base64Url.EncodeToString(P256dh);
    public string AuthText { get; } = System.Buffers.Text.Base64Url.EncodeToString(Auth);
}
