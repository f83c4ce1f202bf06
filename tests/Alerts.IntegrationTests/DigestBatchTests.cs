using System.Text.Json;
using Alerts.Digests;
using Alerts.IntegrationTests.Infrastructure;
using Alerts.Storage;
using Alerts.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.IntegrationTests;

/// <summary>Production mode with digest pages of three readers, so that a handful of readers spans several pages.</summary>
public sealed class SmallDigestPagesFixture : FakeClockFixture
{
    public const int PageSize = 3;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Alerts:Digests:PageSize"] = PageSize.ToString();
    }
}

/// <summary>
/// Digest runs plan readers a page at a time and send each page as one notification that carries every
/// reader's own digest, over real RabbitMQ and PostgreSQL. Each test uses its own sections.
/// </summary>
public sealed class DigestBatchTests(SmallDigestPagesFixture fixture) : IClassFixture<SmallDigestPagesFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly object HourlyDigest = new { mode = "digest", frequency = "hourly" };
    private FakePushService Push => fixture.Push;
    private AlertsServer Server => fixture.Server;

    [Fact]
    public async Task Readers_across_several_pages_each_get_one_digest_with_their_own_stories_and_never_a_story_pushed_or_listed_before()
    {
        var world = Enumerable.Range(0, 4).Select(_ => TestSubscriber.Create()).ToList();
        var sports = Enumerable.Range(0, 3).Select(_ => TestSubscriber.Create()).ToList();
        var both = TestSubscriber.Create();
        var ids = new Dictionary<Guid, Guid>();
        foreach (var r in world) ids[r.Id] = (await Server.SubscribeAsync(Push, r, ["world"], HourlyDigest, timeZone: "UTC")).Id;
        foreach (var r in sports) ids[r.Id] = (await Server.SubscribeAsync(Push, r, ["sports"], HourlyDigest, timeZone: "UTC")).Id;
        ids[both.Id] = (await Server.SubscribeAsync(Push, both, ["world", "sports"], HourlyDigest, timeZone: "UTC")).Id;
        var everyone = world.Concat(sports).Append(both).ToList();
        var run = Guid.NewGuid().ToString("N")[..8];
        await PublishAsync($"world-{run}", "Leaders agree to meet in Paris", "world", minutesAfterNow: 1);
        await PublishAsync($"sports-{run}", "Record crowd for the derby", "sports", minutesAfterNow: 2);
        // Breaking news reaches digest readers at once, so no digest lists it again.
        await PublishAsync($"world-breaking-{run}", "Summit called off", "world", minutesAfterNow: 3, breaking: true);
        await Push.WaitForRequestsAsync(all => everyone.Where(r => !sports.Contains(r)).All(r => all.Any(p => p.SubscriberId == r.Id && Kind(p) == "breaking")), Timeout);
        await WaitUntilStoredAsync("Summit called off"); // every outcome recorded: the run sees it as pushed
        await WaitUntilStoredAsync("Leaders agree to meet in Paris");
        await WaitUntilStoredAsync("Record crowd for the derby");

        fixture.AdvanceToJustAfterNextHour();
        var summary = await Runner().RunDueAsync();
        Assert.True(summary.Sent >= everyone.Count, $"The run sent {summary.Sent} digests; expected at least {everyone.Count}");

        await WaitForDigestsAsync(everyone, 1);
        foreach (var r in world) AssertDigest(r, "Your World digest: 1 new story", "• Leaders agree to meet in Paris");
        foreach (var r in sports) AssertDigest(r, "Your Sports digest: 1 new story", "• Record crowd for the derby");
        AssertDigest(both, "Your World and Sports digest: 2 new stories", "• Record crowd for the derby\n• Leaders agree to meet in Paris");
        var links = everyone.Select(r => Digests(r).Single().Payload.GetProperty("url").GetString()).ToHashSet();
        Assert.Equal(everyone.Count, links.Count); // every reader has their own page

        // The readers were spread over pages, each page one notification whose targeted count is its readers with a digest.
        var notifications = await NotificationsOfAsync(ids.Values);
        Assert.True(notifications.Count >= 3, $"{everyone.Count} readers in pages of {SmallDigestPagesFixture.PageSize} should make at least 3 notifications, not {notifications.Count}");
        foreach (var (notificationId, readers) in notifications)
        {
            var alert = await Server.WaitForAlertAsync(notificationId, "done", Timeout);
            Assert.Equal("digest", alert.GetProperty("kind").GetString());
            Assert.Equal(readers, alert.GetProperty("targeted").GetInt32());
        }

        // The next hour lists only what is new: nothing from the first digest, nothing pushed.
        await PublishAsync($"world-later-{run}", "Paris prepares for the centenary", "world", minutesAfterNow: 1);
        await WaitUntilStoredAsync("Paris prepares for the centenary");
        fixture.AdvanceToJustAfterNextHour();
        await Runner().RunDueAsync();
        await WaitForDigestsAsync(world.Append(both), 2);
        foreach (var r in world.Append(both))
            Assert.Equal("• Paris prepares for the centenary", Digests(r).Last().Payload.GetProperty("body").GetString());
        Assert.All(sports, r => Assert.Single(Digests(r)));
        Assert.Empty(Push.Rejections);
    }

    [Fact]
    public async Task Two_scheduler_processes_racing_over_several_pages_send_one_digest_per_reader()
    {
        var readers = Enumerable.Range(0, 8).Select(_ => TestSubscriber.Create()).ToList();
        var ids = new List<Guid>();
        foreach (var reader in readers) ids.Add((await Server.SubscribeAsync(Push, reader, ["business"], HourlyDigest, timeZone: "UTC")).Id);
        var run = Guid.NewGuid().ToString("N")[..8];
        await PublishAsync($"business-{run}", "Central bank holds rates", "business", minutesAfterNow: 1);
        await WaitUntilStoredAsync("Central bank holds rates");
        await using var second = await fixture.StartAnotherServerAsync();
        fixture.AdvanceToJustAfterNextHour();

        var runs = new List<Task<DigestRunSummary>>();
        for (var i = 0; i < 3; i++)
        {
            runs.Add(Task.Run(() => Runner().RunDueAsync()));
            runs.Add(Task.Run(() => second.Services.GetRequiredService<DigestRunner>().RunDueAsync()));
        }
        var summaries = await Task.WhenAll(runs);
        Assert.All(summaries, s => Assert.Equal(0, s.Failed));

        await WaitForDigestsAsync(readers, 1);
        var notifications = await NotificationsOfAsync(ids);
        foreach (var notificationId in notifications.Keys) await Server.WaitForAlertAsync(notificationId, "done", Timeout);
        foreach (var reader in readers)
        {
            var digests = Digests(reader);
            Assert.True(digests.Count == 1, $"{reader} received {digests.Count} digests");
            Assert.Equal("Your Business digest: 1 new story", digests[0].Payload.GetProperty("title").GetString());
        }
        await using var scope = Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var perReader = await db.Digests.Where(d => ids.Contains(d.SubscriptionId)).GroupBy(d => d.SubscriptionId).Select(g => g.Count()).ToListAsync();
        Assert.Equal(Enumerable.Repeat(1, readers.Count), perReader);
    }

    private void AssertDigest(TestSubscriber reader, string title, string body)
    {
        var digest = Assert.Single(Digests(reader));
        Assert.True(digest.WasDelivered);
        Assert.Equal(title, digest.Payload.GetProperty("title").GetString());
        Assert.Equal(body, digest.Payload.GetProperty("body").GetString());
        Assert.StartsWith($"{FakeClockFixture.PublicBaseUrl}/digest/", digest.Payload.GetProperty("url").GetString());
        Assert.Equal("low", digest.Urgency);
        Assert.NotNull(digest.Topic); // each reader's own: a newer digest replaces one not yet shown
    }

    private List<ReceivedPush> Digests(TestSubscriber reader) =>
        Push.ReceivedBy(reader).Where(p => Kind(p) == "digest").OrderBy(p => p.ReceivedAt).ToList();

    private Task WaitForDigestsAsync(IEnumerable<TestSubscriber> readers, int each) =>
        Push.WaitForRequestsAsync(all => readers.All(r => all.Count(p => p.SubscriberId == r.Id && Kind(p) == "digest") >= each), Timeout);

    /// <summary>The notifications that carry these subscriptions' digests, with how many digest rows each carries.</summary>
    private async Task<Dictionary<Guid, int>> NotificationsOfAsync(IEnumerable<Guid> subscriptionIds)
    {
        var ids = subscriptionIds.ToList();
        await using var scope = Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var notifications = await db.Digests.Where(d => ids.Contains(d.SubscriptionId)).Select(d => d.NotificationId).Distinct().ToListAsync();
        return await db.Digests.Where(d => notifications.Contains(d.NotificationId)).GroupBy(d => d.NotificationId)
            .ToDictionaryAsync(g => g.Key, g => g.Count());
    }

    /// <summary>The article's own notification is done: the article is stored (digest readers are not its audience).</summary>
    private Task WaitUntilStoredAsync(string title) =>
        Server.WaitForNotificationAsync(n => n.GetProperty("title").GetString() == title && n.GetProperty("status").GetString() == "done", Timeout);

    private DigestRunner Runner() => Server.Services.GetRequiredService<DigestRunner>();

    private static string? Kind(ReceivedPush push) =>
        push.Payload.ValueKind == JsonValueKind.Object ? push.Payload.GetProperty("kind").GetString() : null;

    private Task PublishAsync(string articleId, string title, string section, int minutesAfterNow, bool breaking = false) =>
        fixture.PublishRawAsync(JsonSerializer.Serialize(new
        {
            articleId, title, summary = "The full story on the site.", url = $"https://news.example/{section}/{articleId}",
            sections = new[] { section }, imageUrl = "https://news.example/img/1.jpg",
            publishedAt = fixture.Clock.GetUtcNow().AddMinutes(minutesAfterNow), breaking,
        }));
}
