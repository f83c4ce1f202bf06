using Alerts.Security;

namespace Alerts.Delivery;

/// <summary>How the "web-push" HttpClient talks to push services; one place, so tests can build the very same client.</summary>
public static class PushHttp
{
    public static void ConfigureClient(HttpClient client, PushOptions options)
    {
        client.Timeout = options.RequestTimeout;
        // HTTP/2 where the push service offers it (ALPN over TLS: every real push service), else HTTP/1.1.
        client.DefaultRequestVersion = System.Net.HttpVersion.Version20;
        client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
    }

    public static SocketsHttpHandler CreateHandler(PushOptions options) => new()
    {
        // A push endpoint that redirects is not followed: the allow-list is checked on the endpoint itself.
        AllowAutoRedirect = false,
        // One pool per push service host, shared by every batch; new connections now and then follow DNS changes.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        // HTTP/1.1 needs a connection per push in flight; HTTP/2 multiplexes them, opening more when one is full.
        MaxConnectionsPerServer = options.MaxConcurrencyPerHost,
        EnableMultipleHttp2Connections = true,
        // Connects only to public addresses, resolved at connect time (see PushConnectGuard).
        ConnectCallback = new PushConnectGuard(options.EffectiveAllowedOrigins).ConnectAsync,
    };
}
