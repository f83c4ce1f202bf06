using System.Net;
using System.Net.Http.Headers;

namespace Alerts.IntegrationTests.Security;

/// <summary>Wrong keys, repeated from one address, are slowed: 429 with Retry-After, readers' public calls unaffected.</summary>
public sealed class FailedAuthThrottleTests : IAsyncLifetime
{
    private EmbeddedServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await EmbeddedServer.StartAsync(s => s["Alerts:RateLimits:FailedAuthPerMinute"] = "3", onLoopbackPort: true);

    [Fact]
    public async Task Repeated_wrong_keys_are_answered_429_with_retry_after()
    {
        var guesser = _server.LoopbackClient();
        guesser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-key-Zx81bQ4mT7vL2pN9sR3w");
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.GetAsync("/api/alerts")).StatusCode);

        var slowed = await guesser.GetAsync("/api/alerts");
        Assert.Equal(HttpStatusCode.TooManyRequests, slowed.StatusCode);
        Assert.Equal("application/problem+json", slowed.Content.Headers.ContentType?.MediaType);
        var retryAfter = slowed.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);

        // From the same address even a right key waits; a reader's public call does not.
        var editor = _server.LoopbackClient();
        editor.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AlertsServer.EditorKey);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await editor.GetAsync("/api/alerts")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _server.LoopbackClient().GetAsync("/api/sections")).StatusCode);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
