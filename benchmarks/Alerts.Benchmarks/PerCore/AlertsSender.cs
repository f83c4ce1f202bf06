using Alerts.WebPush;

namespace Alerts.Benchmarks.PerCore;

/// <summary>
/// What Alerts' worker does per push before the request goes out (Alerts.Delivery.WebPushSender): encrypt for
/// the subscriber (RFC 8291) with a sender key shared by up to <see cref="KeyReuseLimit"/> messages, each with
/// its own salt, and get the VAPID header (RFC 8292, cached per push-service origin). With
/// <c>keyPerMessage</c>, a new sender key for every message as RFC 8291 is written (Lib.Net.Http.WebPush's
/// way). <see cref="PrepareOne"/> holds the only calls into Alerts.WebPush: when that API changes, adapt it alone.
/// </summary>
internal sealed class AlertsSender(VapidKeys keys, bool keyPerMessage) : IPushPreparation
{
    /// <summary>As Alerts.Delivery.WebPushSender.KeyReuseLimit: about one batch per sender key.</summary>
    public const int KeyReuseLimit = 500;

    private readonly VapidAuthentication _vapid = new(keys, "mailto:bench@example.com", TimeProvider.System);
    private PushEncryptor? _encryptor;
    private int _uses;

    public string Name => keyPerMessage ? "Alerts.WebPush, a new sender key per message" : $"Alerts.WebPush as the server sends (one sender key per {KeyReuseLimit} messages)";

    public int PrepareOne(byte[] payload, BenchmarkSubscriber subscriber, Uri endpoint)
    {
        byte[] body;
        if (keyPerMessage)
        {
            body = PushMessageEncryptor.Encrypt(payload, subscriber.P256dh, subscriber.Auth);
        }
        else
        {
            if (_encryptor is null || ++_uses > KeyReuseLimit)
            {
                _encryptor?.Dispose();
                _encryptor = PushEncryptor.Create();
                _uses = 1;
            }
            body = _encryptor.Encrypt(payload, subscriber.P256dh, subscriber.Auth);
        }
        var authorization = _vapid.GetAuthorizationHeaderValue(endpoint);
        return body.Length + authorization.Length;
    }

    public void Dispose()
    {
        _encryptor?.Dispose();
        _vapid.Dispose();
    }
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
