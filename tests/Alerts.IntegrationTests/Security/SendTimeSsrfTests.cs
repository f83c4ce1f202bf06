using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace Alerts.IntegrationTests.Security;

/// <summary>
/// Pushes never reach loopback unless its origin is listed as http: — not after the allow-list
/// changes, and not through a host name that resolves to loopback.
/// </summary>
public sealed class SendTimeSsrfTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private int _connections;

    public SendTimeSsrfTests()
    {
        _listener.Start();
        _ = CountConnectionsAsync();
    }

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task CountConnectionsAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref _connections);
                client.Dispose();
            }
        }
        catch (ObjectDisposedException) { }
        catch (SocketException) { }
    }

    private static object Subscribe(string endpoint, TestSubscriber reader) => new
    {
        subscription = new { endpoint, keys = new { p256dh = reader.P256dh, auth = reader.Auth } },
        sections = new[] { "world" },
        delivery = new { mode = "instant" },
    };

    private static async Task PublishAndWaitAsync(AlertsServer server)
    {
        var article = new { articleId = $"ssrf-{Guid.NewGuid():N}", title = "Summit", url = "https://news.example/world/summit", sections = new[] { "world" } };
        Assert.Equal(HttpStatusCode.Accepted, (await server.Editor().PostAsJsonAsync("/api/articles", article)).StatusCode);
        // The reader is in the audience: what keeps the push from loopback is the send-time check, not matching.
        // Refused before any connection is a final failure: the notification ends with the reader counted failed.
        await server.WaitForNotificationAsync(n => n.GetProperty("title").GetString() == "Summit" && n.GetProperty("targeted").GetInt32() == 1 &&
                                                   n.GetProperty("status").GetString() == "done" && n.GetProperty("failed").GetInt32() == 1, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Subscribed_while_allowed_then_restarted_with_the_default_allow_list_publish_reaches_no_loopback_listener()
    {
        var reader = TestSubscriber.Create();
        var origin = $"http://127.0.0.1:{Port}";
        await using var first = await EmbeddedServer.StartAsync(s => s["Alerts:Push:AllowedOrigins:0"] = origin);
        Assert.Equal(HttpStatusCode.Created, (await first.Server.CreateClient().PostAsJsonAsync("/api/subscriptions", Subscribe($"{origin}/push/1", reader))).StatusCode);
        await first.Server.DisposeAsync();

        var settings = new Dictionary<string, string?>(first.Settings);
        settings.Remove("Alerts:Push:AllowedOrigins:0");
        await using var restarted = new AlertsServer(settings);
        await restarted.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        await PublishAndWaitAsync(restarted);

        Assert.Equal(0, _connections);
    }

    [Fact]
    public async Task An_https_origin_whose_name_resolves_to_loopback_is_not_connected_to()
    {
        var reader = TestSubscriber.Create();
        await using var server = await EmbeddedServer.StartAsync(s => s["Alerts:Push:AllowedOrigins:0"] = $"https://localhost:{Port}");
        Assert.Equal(HttpStatusCode.Created,
            (await server.Server.CreateClient().PostAsJsonAsync("/api/subscriptions", Subscribe($"https://localhost:{Port}/push/1", reader))).StatusCode);

        await PublishAndWaitAsync(server.Server);

        Assert.Equal(0, _connections);
    }

    public void Dispose() => _listener.Stop();
}
