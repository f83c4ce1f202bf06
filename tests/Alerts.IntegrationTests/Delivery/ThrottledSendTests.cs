using System.Net;
using System.Text.Json;
using Alerts.IntegrationTests.Infrastructure;
using Alerts.Testing;

namespace Alerts.IntegrationTests.Delivery;

/// <summary>Articles are spread at 3,000 pushes a minute (50 a second) in this deployment.</summary>
public sealed class ThrottledArticlesFixture : ProductionModeFixture
{
    public const int ArticlesPerMinute = 3_000;

    protected override void Configure(Dictionary<string, string?> settings) =>
        settings["Alerts:Push:ArticleThrottlePerMinute"] = ArticlesPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Throttled sends on RabbitMQ and PostgreSQL: the fan-out spreads its pushes evenly at the asked rate, so
/// the publisher's site is not hit by every reader's click at once, and GET /api/alerts/{id} says when it
/// will be finished. Each reader still gets the push exactly once.
/// </summary>
public sealed class ThrottledSendTests(ThrottledArticlesFixture fixture) : IClassFixture<ThrottledArticlesFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_alert_at_3600_a_minute_reaches_150_readers_over_two_and_a_half_seconds()
    {
        var readers = await SubscribeAsync(150, "health");
        var id = await fixture.Server.Editor().SendAcceptedAlertAsync(Alert("Spread over seconds", "health", throttlePerMinute: 3_600));

        var alert = await WaitForPlannedAsync(id);
        Assert.Equal(3_600, alert.GetProperty("throttlePerMinute").GetInt32());
        var created = alert.GetProperty("createdAt").GetDateTime();
        var finish = alert.GetProperty("expectedFinishAt").GetDateTime();
        // 150 readers at 60 a second: the last one's turn is 149/60 s after the sending started.
        Assert.InRange((finish - created).TotalMilliseconds, 2_483, 2_483 + 5_000);

        await fixture.Server.WaitForAlertAsync(id, "done", Timeout);
        var pushes = readers.Select(r => Assert.Single(fixture.Push.ReceivedBy(r).Of(id))).OrderBy(p => p.ReceivedAt).ToList();
        AssertSpread(pushes, perSecond: 60, $"alert {id}");
    }

    [Fact]
    public async Task Articles_go_at_the_configured_rate_and_breaking_ones_at_once()
    {
        var readers = await SubscribeAsync(150, "business");
        var article = $"business-{Guid.NewGuid():N}";
        await fixture.PublishRawAsync(ArticleJson(article, "Central bank holds rates", breaking: false));
        var notification = await fixture.Server.WaitForNotificationAsync(
            n => n.GetProperty("title").GetString() == "Central bank holds rates" && n.GetProperty("status").GetString() == "done", Timeout);
        var id = notification.GetProperty("id").GetGuid();
        Assert.Equal(ThrottledArticlesFixture.ArticlesPerMinute, notification.GetProperty("throttlePerMinute").GetInt32());
        AssertSpread(readers.Select(r => Assert.Single(fixture.Push.ReceivedBy(r).Of(id))).OrderBy(p => p.ReceivedAt).ToList(), perSecond: 50, $"article {id}");

        await fixture.PublishRawAsync(ArticleJson($"business-breaking-{Guid.NewGuid():N}", "Central bank chief resigns", breaking: true));
        var breaking = await fixture.Server.WaitForNotificationAsync(
            n => n.GetProperty("title").GetString() == "Central bank chief resigns" && n.GetProperty("status").GetString() == "done", Timeout);
        Assert.False(breaking.TryGetProperty("throttlePerMinute", out _), $"A breaking article goes as fast as possible: {breaking}");
        var breakingPushes = readers.Select(r => Assert.Single(fixture.Push.ReceivedBy(r).Of(breaking.GetProperty("id").GetGuid()))).ToList();
        var span = breakingPushes.Max(p => p.ReceivedAt) - breakingPushes.Min(p => p.ReceivedAt);
        Assert.True(span < TimeSpan.FromSeconds(1.5), $"The breaking article's 150 pushes took {span.TotalMilliseconds:0} ms: it was throttled.");
    }

    [Fact]
    public async Task Cancelling_a_throttled_alert_stops_the_readers_whose_turn_has_not_come()
    {
        var readers = await SubscribeAsync(120, "tv-shows");
        var id = await fixture.Server.Editor().SendAcceptedAlertAsync(Alert("Cancelled half way", "tv-shows", throttlePerMinute: 1_200));
        await fixture.Push.WaitForRequestsAsync(r => r.Of(id).Any(), Timeout);

        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Server.Editor().DeleteAsync($"/api/alerts/{id}")).StatusCode);
        var alert = await fixture.Server.GetAlertAsync(id);
        Assert.Equal("cancelled", alert.GetProperty("status").GetString());

        // 20 a second: the last reader's turn is six seconds in. Wait until it has passed, then count.
        var finish = alert.GetProperty("expectedFinishAt").GetDateTime();
        while (DateTime.UtcNow < finish.AddSeconds(1)) await Task.Delay(200);
        var reached = readers.Count(r => fixture.Push.ReceivedBy(r).Of(id).Any());
        Assert.InRange(reached, 1, 60);
        Assert.All(readers, r => Assert.True(fixture.Push.ReceivedBy(r).Of(id).Count() <= 1));
    }

    [Fact]
    public async Task A_rate_below_one_a_minute_is_refused_naming_the_field()
    {
        var (response, body) = await fixture.Server.Editor().SendAlertAsync(Alert("Too slow", "world", throttlePerMinute: 0));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("throttlePerMinute", body.GetProperty("detail").GetString());
    }

    /// <summary>Evenly: the pushes take about as long as the rate says, and no second holds much more than its share.</summary>
    private static void AssertSpread(List<ReceivedPush> pushes, int perSecond, string what)
    {
        // A batch holds a second's share and goes out at once: the last batch starts (batches - 1) seconds after the first.
        var expected = TimeSpan.FromSeconds(Math.Ceiling(pushes.Count / (double)perSecond) - 1);
        var span = pushes[^1].ReceivedAt - pushes[0].ReceivedAt;
        Assert.True(span >= expected * 0.8, $"The {pushes.Count} pushes of {what} took {span.TotalMilliseconds:0} ms; at {perSecond} a second the last batch starts {expected.TotalMilliseconds:0} ms after the first.");
        // The relay looks for due batches every 250 ms, so a late batch can meet the next one: allow two seconds' share.
        var busiest = pushes.Max(p => pushes.Count(q => q.ReceivedAt >= p.ReceivedAt && q.ReceivedAt < p.ReceivedAt + TimeSpan.FromSeconds(1)));
        Assert.True(busiest <= 2 * perSecond, $"{busiest} pushes of {what} went out within one second; the rate is {perSecond} a second.");
    }

    private async Task<JsonElement> WaitForPlannedAsync(Guid id)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var alert = await fixture.Server.GetAlertAsync(id);
            if (alert.TryGetProperty("expectedFinishAt", out _)) return alert;
            Assert.True(DateTime.UtcNow < deadline, $"The alert was never planned: {alert}");
            await Task.Delay(100);
        }
    }

    private async Task<List<TestSubscriber>> SubscribeAsync(int count, string section)
    {
        var readers = Enumerable.Range(0, count).Select(_ => TestSubscriber.Create()).ToList();
        foreach (var reader in readers) await fixture.Server.SubscribeAsync(fixture.Push, reader, [section]);
        return readers;
    }

    private static object Alert(string title, string section, int throttlePerMinute) => new
    {
        title, body = "Details on the site.", url = $"https://news.example/{section}/{Guid.NewGuid():N}", sections = new[] { section }, throttlePerMinute,
    };

    private static string ArticleJson(string articleId, string title, bool breaking) => JsonSerializer.Serialize(new
    {
        articleId, title, summary = "Details on the site.", url = $"https://news.example/business/{articleId}",
        sections = new[] { "business" }, publishedAt = DateTimeOffset.UtcNow, breaking,
    });
}
