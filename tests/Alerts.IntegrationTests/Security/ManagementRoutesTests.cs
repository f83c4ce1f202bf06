using System.Net;
using System.Net.Sockets;

namespace Alerts.IntegrationTests.Security;

/// <summary>
/// /metrics answers loopback only by default; Alerts:Management:AllowedNetworks opens it (and closes the
/// health checks) to named networks; Alerts:ManagementUrls moves both to their own port.
/// </summary>
public sealed class ManagementRoutesTests
{
    private static HttpRequestMessage From(string path, string? forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return request;
    }

    [Fact]
    public async Task By_default_metrics_answer_loopback_only_and_health_answers_everyone()
    {
        await using var server = await EmbeddedServer.StartAsync(s => s["Alerts:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1", onLoopbackPort: true);
        var client = server.LoopbackClient();

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(From("/metrics", null))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(From("/metrics", "203.0.113.9"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(From("/health/live", "203.0.113.9"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(From("/health/ready", "203.0.113.9"))).StatusCode);
    }

    [Fact]
    public async Task Allowed_networks_may_read_metrics_and_health_others_may_not()
    {
        await using var server = await EmbeddedServer.StartAsync(s =>
        {
            s["Alerts:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";
            s["Alerts:Management:AllowedNetworks:0"] = "10.20.0.0/16";
        }, onLoopbackPort: true);
        var client = server.LoopbackClient();

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(From("/metrics", "10.20.3.4"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(From("/health/ready", "10.20.3.4"))).StatusCode);
        foreach (var path in new[] { "/metrics", "/health/live", "/health/ready" })
            Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(From(path, "203.0.113.9"))).StatusCode);
    }

    [Fact]
    public async Task With_a_management_url_metrics_and_health_answer_on_that_port_only()
    {
        await using var server = await EmbeddedServer.StartAsync(s => s["Alerts:ManagementUrls"] = "http://127.0.0.1:9090", waitUntilReady: false);
        var public_ = server.Server.CreateClient();
        var management = server.Server.CreateClient();
        management.BaseAddress = new Uri("http://localhost:9090/");

        for (var i = 0; i < 300 && !(await management.GetAsync("/health/ready")).IsSuccessStatusCode; i++) await Task.Delay(100);

        Assert.Equal(HttpStatusCode.NotFound, (await public_.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await public_.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await management.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await management.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task On_its_own_port_the_management_listener_serves_metrics_and_health_and_nothing_else()
    {
        var (appPort, managementPort) = (FreePort(), FreePort());
        await using var server = await EmbeddedServer.StartAsync(s => s["Alerts:ManagementUrls"] = $"http://127.0.0.1:{managementPort}", waitUntilReady: false);
        server.Server.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, appPort);
            kestrel.Listen(IPAddress.Loopback, managementPort);
        });
        server.Server.StartServer();
        var app = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{appPort}") };
        var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{managementPort}") };
        for (var i = 0; i < 300 && !(await management.GetAsync("/health/ready")).IsSuccessStatusCode; i++) await Task.Delay(100);

        Assert.Equal(HttpStatusCode.OK, (await management.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await management.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await management.GetAsync("/api/sections")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await management.GetAsync("/editor")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.GetAsync("/api/sections")).StatusCode);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
