using System.Net;
using System.Net.Http.Json;
using Alerts.IntegrationTests.Infrastructure;
using Alerts.Testing;

namespace Alerts.IntegrationTests;

/// <summary>
/// The laptop set-up: no servers, in-memory bus and a SQLite file. The same end-to-end journey,
/// with the article arriving as a webhook on POST /api/articles.
/// </summary>
public sealed class EmbeddedModeTests : IAsyncLifetime
{
    private readonly string _databaseFile = Path.Combine(Path.GetTempPath(), $"alerts-embedded-{Guid.NewGuid():N}.db");
    private FakePushService _push = null!;
    private AlertsServer _server = null!;

    public async Task InitializeAsync()
    {
        _push = await FakePushService.StartAsync(AlertsServer.VapidSubject);
        var settings = AlertsServer.BaseSettings(_push);
        settings["ConnectionStrings:Alerts"] = $"Data Source={_databaseFile}";
        _server = new AlertsServer(settings);
        await _server.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Article_posted_as_webhook_reaches_matching_instant_subscribers_once()
    {
        var world = TestSubscriber.Create();
        var sports = TestSubscriber.Create();
        var both = TestSubscriber.Create();
        var digest = TestSubscriber.Create();
        await _server.SubscribeAsync(_push, world, ["world"]);
        await _server.SubscribeAsync(_push, sports, ["sports"]);
        await _server.SubscribeAsync(_push, both, ["world", "sports"]);
        await _server.SubscribeAsync(_push, digest, ["world"], new { mode = "digest", frequency = "daily", at = "08:00" });
        var article = new
        {
            articleId = "world-2026-11-27-summit", title = "Leaders agree to meet in Paris for the centenary",
            summary = "The meeting follows months of talks.", url = "https://news.example/world/summit",
            sections = new[] { "world" }, publishedAt = "2018-10-23T09:00:00Z", breaking = false,
        };

        var response = await _server.Editor().PostAsJsonAsync("/api/articles", article);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var notification = await _server.WaitForNotificationAsync(n => n.GetProperty("status").GetString() == "done", TimeSpan.FromSeconds(20));

        // Published again: recorded once, pushed once.
        Assert.Equal(HttpStatusCode.Accepted, (await _server.Editor().PostAsJsonAsync("/api/articles", article)).StatusCode);
        var second = new { articleId = "world-2", title = "Second story", url = "https://news.example/world/2", sections = new[] { "world" } };
        await _server.Editor().PostAsJsonAsync("/api/articles", second);
        await _push.WaitForRequestsAsync(all => all.Count(p => p.SubscriberId == world.Id) >= 2 && all.Count(p => p.SubscriberId == both.Id) >= 2, TimeSpan.FromSeconds(20));

        Assert.Equal(["Leaders agree to meet in Paris for the centenary", "Second story"],
            _push.ReceivedBy(world).Select(p => p.Payload.GetProperty("title").GetString()).Order().ToList());
        Assert.Equal(2, _push.ReceivedBy(both).Count);
        Assert.Empty(_push.ReceivedBy(sports));
        Assert.Empty(_push.ReceivedBy(digest));
        var push = _push.ReceivedBy(world).Single(p => p.Payload.GetProperty("title").GetString()!.StartsWith("Leaders"));
        Assert.Equal("https://news.example/world/summit", push.Payload.GetProperty("url").GetString());
        Assert.Equal(2, notification.GetProperty("targeted").GetInt32());
        Assert.Equal(2, notification.GetProperty("sent").GetInt32());
        Assert.Empty(_push.Rejections);
    }

    [Fact]
    public async Task Invalid_webhook_article_is_refused_naming_the_field()
    {
        var response = await _server.Editor().PostAsJsonAsync("/api/articles",
            new { articleId = "x", title = "No link", url = "javascript:alert(1)", sections = new[] { "world" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("url", await response.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _push.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(_databaseFile) + "*")) File.Delete(file);
    }
}
