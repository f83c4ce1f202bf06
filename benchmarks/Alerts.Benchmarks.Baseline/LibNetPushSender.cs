using System.Net;
using Alerts.Delivery;
using Alerts.WebPush;
using Lib.Net.Http.WebPush;
using Microsoft.Extensions.Options;
using LibVapid = Lib.Net.Http.WebPush.Authentication.VapidAuthentication;

namespace Alerts.Benchmarks.Baseline;

/// <summary>
/// The server's push sender replaced by Lib.Net.Http.WebPush 3.3.1 as its documentation uses it: one
/// PushServiceClient over the server's own push HttpClient (same connection guard and timeouts), VAPID
/// with the configured keys and no token cache (the library's default), and its own encryption. Its
/// automatic Retry-After waiting is off: retrying is the pipeline's business, as with the server's sender.
/// A refusal (<see cref="PushServiceClientException"/>) becomes the <see cref="PushResponse"/> the server
/// would have made of the same answer.
/// </summary>
internal sealed class LibNetPushSender : IPushSender, IDisposable
{
    private readonly IHttpClientFactory _httpClients;
    private readonly LibVapid _vapid;

    public LibNetPushSender(IHttpClientFactory httpClients, IOptions<VapidOptions> options)
    {
        var vapid = options.Value;
        if (!vapid.HasConfiguredKeys)
            throw new InvalidOperationException("The baseline host needs Alerts:Vapid:PublicKey and PrivateKey configured (the benchmark sets them).");
        _httpClients = httpClients;
        _vapid = new LibVapid(vapid.PublicKey, vapid.PrivateKey) { Subject = string.IsNullOrEmpty(vapid.Subject) ? VapidOptions.DefaultSubject : vapid.Subject };
    }

    public async Task<PushResponse> SendAsync(PushRecipient recipient, Uri endpoint, byte[] payload, PushRequestOptions request, CancellationToken cancellationToken)
    {
        var client = new PushServiceClient(_httpClients.CreateClient(WebPushSender.HttpClientName)) { AutoRetryAfter = false };
        var subscription = new PushSubscription { Endpoint = recipient.Endpoint };
        subscription.SetKey(PushEncryptionKeyName.P256DH, recipient.P256dh);
        subscription.SetKey(PushEncryptionKeyName.Auth, recipient.Auth);
        using var content = new ByteArrayContent(payload);
        var message = new PushMessage(content)
        {
            TimeToLive = request.TtlSeconds,
            Urgency = request.Urgency switch
            {
                PushUrgency.VeryLow => PushMessageUrgency.VeryLow,
                PushUrgency.Low => PushMessageUrgency.Low,
                PushUrgency.High => PushMessageUrgency.High,
                _ => PushMessageUrgency.Normal,
            },
            Topic = request.Topic,
        };
        try
        {
            await client.RequestPushMessageDeliveryAsync(subscription, message, _vapid, cancellationToken);
            return new PushResponse((int)HttpStatusCode.Created, null, null);
        }
        catch (PushServiceClientException e)
        {
            return new PushResponse((int)e.StatusCode, RetryAfter(e), string.IsNullOrEmpty(e.Body) ? e.Message : e.Body);
        }
    }

    public void Dispose() => _vapid.Dispose();

    private static TimeSpan? RetryAfter(PushServiceClientException e)
    {
        var retryAfter = e.Headers?.RetryAfter;
        if (retryAfter?.Delta is { } delta) return delta;
        if (retryAfter?.Date is { } date) return date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        return null;
    }
}
