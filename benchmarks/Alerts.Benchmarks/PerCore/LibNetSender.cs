using System.Net;
using Alerts.WebPush;
using Lib.Net.Http.WebPush;

namespace Alerts.Benchmarks.PerCore;

/// <summary>
/// Lib.Net.Http.WebPush 3.3.1 as shipped: its client encrypts and signs (a new VAPID token per message:
/// no token cache is configured by default) and builds the request, which a handler in memory answers
/// 201 at once. The library's encryption is internal, so its client is the only way to call it.
/// </summary>
internal sealed class LibNetSender : IPushPreparation
{
    private readonly PushServiceClient _client;
    private readonly Dictionary<BenchmarkSubscriber, PushSubscription> _subscriptions = [];
    private readonly HttpClient _http = new(new AcceptingHandler());

    public LibNetSender(VapidKeys keys)
    {
        _client = new PushServiceClient(_http)
        {
            DefaultAuthentication = new Lib.Net.Http.WebPush.Authentication.VapidAuthentication(keys.PublicKey, keys.PrivateKey)
            {
                Subject = "mailto:bench@example.com",
            },
            AutoRetryAfter = false,
        };
    }

    public string Name => "Lib.Net.Http.WebPush 3.3.1";

    public int PrepareOne(byte[] payload, BenchmarkSubscriber subscriber, Uri endpoint)
    {
        if (!_subscriptions.TryGetValue(subscriber, out var subscription))
        {
            subscription = new PushSubscription { Endpoint = endpoint.ToString() };
            subscription.SetKey(PushEncryptionKeyName.P256DH, subscriber.P256dhText);
            subscription.SetKey(PushEncryptionKeyName.Auth, subscriber.AuthText);
            _subscriptions[subscriber] = subscription;
        }
        using var content = new ByteArrayContent(payload);
        var message = new PushMessage(content) { TimeToLive = 3600, Urgency = PushMessageUrgency.High };
        _client.RequestPushMessageDeliveryAsync(subscription, message).GetAwaiter().GetResult();
        return 1;
    }

    public void Dispose() => _http.Dispose();

    private sealed class AcceptingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created) { RequestMessage = request });
    }
}
