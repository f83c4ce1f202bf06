using System.Net;
using System.Net.Http.Json;

namespace Alerts.IntegrationTests.Security;

/// <summary>
/// Rate limits count per client: behind a known proxy the forwarded address is the client, IPv6 grouped
/// by /64; forwarded headers from anyone else are ignored.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private static async Task<HttpStatusCode> SubscribeFromAsync(HttpClient client, string? forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/subscriptions") { Content = JsonContent.Create(new { }) };
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return (await client.SendAsync(request)).StatusCode;
    }

    private static void ThreeAMinute(Dictionary<string, string?> settings) => settings["Alerts:RateLimits:SubscribePerMinute"] = "3";

    [Fact]
    public async Task Behind_a_known_proxy_each_reader_has_its_own_limit()
    {
        await using var server = await EmbeddedServer.StartAsync(s =>
        {
            ThreeAMinute(s);
            s["Alerts:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";
        }, onLoopbackPort: true);
        var proxy = server.LoopbackClient();

        for (var i = 1; i <= 8; i++)
            Assert.Equal(HttpStatusCode.BadRequest, await SubscribeFromAsync(proxy, $"203.0.113.{i}"));

        var one = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++) one.Add(await SubscribeFromAsync(proxy, "198.51.100.7"));
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], one);
    }

    [Fact]
    public async Task Ipv6_readers_in_one_64_share_a_limit()
    {
        await using var server = await EmbeddedServer.StartAsync(s =>
        {
            ThreeAMinute(s);
            s["Alerts:ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8";
        }, onLoopbackPort: true);
        var proxy = server.LoopbackClient();

        var sameHome = new List<HttpStatusCode>();
        foreach (var address in new[] { "2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:aaaa::3", "2001:db8:1:2:ffff::4" })
            sameHome.Add(await SubscribeFromAsync(proxy, address));
        Assert.Equal(HttpStatusCode.TooManyRequests, sameHome[^1]);
        Assert.Equal(HttpStatusCode.BadRequest, await SubscribeFromAsync(proxy, "2001:db8:1:3::1"));
    }

    [Fact]
    public async Task Forwarded_headers_from_an_unknown_address_are_ignored()
    {
        await using var server = await EmbeddedServer.StartAsync(ThreeAMinute, onLoopbackPort: true);
        var client = server.LoopbackClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 4; i++) statuses.Add(await SubscribeFromAsync(client, $"203.0.113.{i}"));

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }
}
