using System.Net;
using System.Text;

namespace Alerts.IntegrationTests.Security;

/// <summary>Bodies past the route's limit answer 413 problem+json without being read: 16 KB public, 64 KB editor.</summary>
public sealed class RequestLimitTests : IAsyncLifetime
{
    private EmbeddedServer _server = null!;

    public async Task InitializeAsync() => _server = await EmbeddedServer.StartAsync();

    private static string JsonOf(int bytes) => "{\"title\":\"" + new string('x', bytes) + "\"}";

    [Fact]
    public async Task Public_route_refuses_a_body_over_16_KB()
    {
        var response = await _server.Server.CreateClient().PostAsync("/api/subscriptions", new StringContent(JsonOf(17 * 1024), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("larger than 16 KB", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Public_route_refuses_a_chunked_body_over_16_KB()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(JsonOf(5 * 1024 * 1024))));
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/subscriptions") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await _server.Server.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than 16 KB", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Public_route_reads_a_body_under_the_limit()
    {
        var response = await _server.Server.CreateClient().PostAsync("/api/subscriptions", new StringContent(JsonOf(10 * 1024), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Editor_route_takes_up_to_64_KB()
    {
        var editor = _server.Server.Editor();
        var under = await editor.PostAsync("/api/alerts", new StringContent(JsonOf(40 * 1024), Encoding.UTF8, "application/json"));
        var over = await editor.PostAsync("/api/alerts", new StringContent(JsonOf(65 * 1024), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, under.StatusCode); // read and validated: the title is too long
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        Assert.Contains("larger than 64 KB", await over.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
