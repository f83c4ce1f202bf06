using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.Digests;
using Alerts.IntegrationTests.Infrastructure;
using Alerts.Storage;
using Alerts.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.IntegrationTests;

/// <summary>
/// Digests over real RabbitMQ and PostgreSQL (store and Hangfire storage), with the service's clock
/// moved by the test and the digest job called directly rather than waiting for Hangfire's minute.
/// Each test uses its own sections, so readers of one test never receive another test's stories.
/// </summary>
public sealed class DigestTests(FakeClockFixture fixture) : IClassFixture<FakeClockFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly object HourlyDigest = new { mode = "digest", frequency = "hourly" };
    private FakePushService Push => fixture.Push;
    private AlertsServer Server => fixture.Server;

    [Fact]
    public async Task Digest_lists_new_stories_in_the_readers_sections_newest_first_without_the_breaking_story_already_pushed()
    {
        var reader = TestSubscriber.Create();
        await Server.SubscribeAsync(Push, reader, ["world", "sports"], HourlyDigest, timeZone: "UTC");
        var run = Guid.NewGuid().ToString("N")[..8];
        await PublishAsync($"world-{run}", "Leaders agree to meet in Paris", "world", minutesAfterNow: 1);
        await PublishAsync($"sports-breaking-{run}", "Pakistan win the final", "sports", minutesAfterNow: 2, breaking: true);
        await PublishAsync($"sports-{run}", "Record crowd for the derby", "sports", minutesAfterNow: 3);
        await PublishAsync($"health-{run}", "A story in a section the reader did not choose", "health", minutesAfterNow: 3);
        await Push.WaitForRequestsAsync(all => all.Any(p => p.SubscriberId == reader.Id && Kind(p) == "breaking"), Timeout);
        // Done: every outcome recorded, so the run sees the breaking story as pushed and every article as stored.
        await WaitUntilSentAsync("Pakistan win the final");
        await WaitUntilSentAsync("Leaders agree to meet in Paris");
        await WaitUntilSentAsync("Record crowd for the derby");
        await WaitUntilSentAsync("A story in a section the reader did not choose");
        Assert.DoesNotContain(Push.ReceivedBy(reader), p => Kind(p) == "article");

        fixture.AdvanceToJustAfterNextHour();
        await Runner(Server).RunDueAsync();

        await Push.WaitForRequestsAsync(all => all.Any(p => p.SubscriberId == reader.Id && Kind(p) == "digest"), Timeout);
        var digest = Assert.Single(Push.ReceivedBy(reader), p => Kind(p) == "digest");
        Assert.True(digest.WasDelivered);
        Assert.Equal("Your World and Sports digest: 2 new stories", digest.Payload.GetProperty("title").GetString());
        Assert.Equal("• Record crowd for the derby\n• Leaders agree to meet in Paris", digest.Payload.GetProperty("body").GetString());
        Assert.Equal("low", digest.Urgency);
        Assert.Equal(12 * 3600, digest.Ttl);
        // The push's id is the notification's (clicks count on it); its link is the reader's own digest page.
        var url = digest.Payload.GetProperty("url").GetString()!;
        Assert.StartsWith($"{FakeClockFixture.PublicBaseUrl}/digest/", url);
        var id = url[$"{FakeClockFixture.PublicBaseUrl}/digest/".Length..];
        Assert.True(Guid.TryParse(id, out _), $"{url} should end in the digest's id");
        Assert.NotEqual(digest.Payload.GetProperty("id").GetString(), id);

        var page = await Server.CreateClient().GetFromJsonAsync<JsonElement>($"/api/digests/{id}");
        Assert.Equal(id, page.GetProperty("id").GetString());
        Assert.Equal("Your World and Sports digest: 2 new stories", page.GetProperty("title").GetString());
        var stories = page.GetProperty("stories").EnumerateArray().ToList();
        Assert.Equal([$"sports-{run}", $"world-{run}"], stories.Select(s => s.GetProperty("articleId").GetString()));
        var top = stories[0];
        Assert.Equal("Record crowd for the derby", top.GetProperty("title").GetString());
        Assert.Equal("The full story on the site.", top.GetProperty("summary").GetString());
        Assert.Equal($"https://news.example/sports/sports-{run}", top.GetProperty("url").GetString());
        Assert.Equal("https://news.example/img/1.jpg", top.GetProperty("imageUrl").GetString());
        Assert.Equal(["sports"], top.GetProperty("sections").EnumerateArray().Select(s => s.GetString()));
        Assert.True(top.TryGetProperty("publishedAt", out _), "stories carry publishedAt");

        // A second run in the same period sends nothing.
        var again = await Runner(Server).RunDueAsync();
        Assert.Equal(0, again.Sent);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(Push.ReceivedBy(reader), p => Kind(p) == "digest");
        Assert.Empty(Push.Rejections);
    }

    [Fact]
    public async Task A_muted_section_is_left_out_of_the_digest_while_the_mute_lasts()
    {
        var reader = TestSubscriber.Create();
        var created = await Server.SubscribeAsync(Push, reader, ["entertainment", "lifestyle"], HourlyDigest, timeZone: "UTC");
        using var client = Server.WithKey(created.Token);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync($"/api/subscriptions/{created.Id}/mutes", new { section = "lifestyle", hours = 24 })).StatusCode);
        var run = Guid.NewGuid().ToString("N")[..8];
        await PublishAsync($"entertainment-{run}", "Festival line-up announced", "entertainment", minutesAfterNow: 1);
        await PublishAsync($"lifestyle-{run}", "Ten walks for the weekend", "lifestyle", minutesAfterNow: 2);
        await WaitUntilSentAsync("Festival line-up announced");
        await WaitUntilSentAsync("Ten walks for the weekend");

        fixture.AdvanceToJustAfterNextHour();
        await Runner(Server).RunDueAsync();

        await Push.WaitForRequestsAsync(all => all.Any(p => p.SubscriberId == reader.Id && Kind(p) == "digest"), Timeout);
        var digest = Assert.Single(Push.ReceivedBy(reader), p => Kind(p) == "digest");
        Assert.Equal("Your Entertainment digest: 1 new story", digest.Payload.GetProperty("title").GetString());
        Assert.Equal("• Festival line-up announced", digest.Payload.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Digest_page_of_an_unknown_id_answers_404_problem()
    {
        var response = await Server.CreateClient().GetAsync($"/api/digests/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Nothing_new_sends_no_digest_and_the_period_still_moves_on()
    {
        var reader = TestSubscriber.Create();
        var created = await Server.SubscribeAsync(Push, reader, ["tv-shows"], HourlyDigest, timeZone: "UTC");
        fixture.AdvanceToJustAfterNextHour();
        var now = fixture.Clock.GetUtcNow().UtcDateTime;

        await Runner(Server).RunDueAsync();

        var subscription = await ReadSubscriptionAsync(created.Id);
        Assert.True(subscription.NextDigestAt > now, $"NextDigestAt {subscription.NextDigestAt:O} should be after {now:O}");
        Assert.Equal(now, subscription.LastDigestAt);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(Push.ReceivedBy(reader));
    }

    [Fact]
    public async Task Two_scheduler_processes_running_at_once_send_one_digest_per_reader()
    {
        var readers = Enumerable.Range(0, 6).Select(_ => TestSubscriber.Create()).ToList();
        var ids = new List<Guid>();
        foreach (var reader in readers) ids.Add((await Server.SubscribeAsync(Push, reader, ["business"], HourlyDigest, timeZone: "UTC")).Id);
        var run = Guid.NewGuid().ToString("N")[..8];
        await PublishAsync($"business-{run}", "Central bank holds rates", "business", minutesAfterNow: 1);
        await WaitUntilSentAsync("Central bank holds rates");
        await using var second = await fixture.StartAnotherServerAsync();
        fixture.AdvanceToJustAfterNextHour();

        var runs = new List<Task<DigestRunSummary>>();
        for (var i = 0; i < 3; i++)
        {
            runs.Add(Task.Run(() => Runner(Server).RunDueAsync()));
            runs.Add(Task.Run(() => Runner(second).RunDueAsync()));
        }
        await Task.WhenAll(runs);

        await Push.WaitForRequestsAsync(all => readers.All(r => all.Any(p => p.SubscriberId == r.Id && Kind(p) == "digest")), Timeout);
        await Task.Delay(TimeSpan.FromSeconds(2)); // time for any duplicate to arrive
        foreach (var reader in readers)
        {
            var digests = Push.ReceivedBy(reader).Where(p => Kind(p) == "digest").ToList();
            Assert.True(digests.Count == 1, $"{reader} received {digests.Count} digests");
            Assert.Equal("Your Business digest: 1 new story", digests[0].Payload.GetProperty("title").GetString());
        }
        await using var scope = Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var perReader = await db.Digests.Where(d => ids.Contains(d.SubscriptionId)).GroupBy(d => d.SubscriptionId).Select(g => g.Count()).ToListAsync();
        Assert.Equal(Enumerable.Repeat(1, 6), perReader);
    }

    [Fact]
    public async Task After_downtime_the_missed_period_is_caught_up_once()
    {
        var reader = TestSubscriber.Create();
        var created = await Server.SubscribeAsync(Push, reader, ["health"], HourlyDigest, timeZone: "UTC");
        var run = Guid.NewGuid().ToString("N")[..8];
        await PublishAsync($"clinic-{run}", "New clinic opens", "health", minutesAfterNow: 1);
        await WaitUntilSentAsync("New clinic opens");

        // Three hourly periods pass with no scheduler running.
        for (var i = 0; i < 3; i++) fixture.AdvanceToJustAfterNextHour();
        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        await Runner(Server).RunDueAsync();
        await Runner(Server).RunDueAsync();

        await Push.WaitForRequestsAsync(all => all.Any(p => p.SubscriberId == reader.Id && Kind(p) == "digest"), Timeout);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(Push.ReceivedBy(reader), p => Kind(p) == "digest");
        var subscription = await ReadSubscriptionAsync(created.Id);
        Assert.True(subscription.NextDigestAt > now, $"The next digest ({subscription.NextDigestAt:O}) must be after the catch-up ({now:O}).");
    }

    [Fact]
    public async Task A_digest_recorded_by_a_scheduler_without_workers_goes_out_once_through_the_outbox()
    {
        var reader = TestSubscriber.Create();
        var created = await Server.SubscribeAsync(Push, reader, ["pakistan"], HourlyDigest, timeZone: "UTC");
        var run = Guid.NewGuid().ToString("N")[..8];
        await PublishAsync($"budget-{run}", "Budget passes the assembly", "pakistan", minutesAfterNow: 1);
        await WaitUntilSentAsync("Budget passes the assembly");

        // A process with no bus consumers and no relay (and no Hangfire server to race the test) records the digest, then goes away:
        // the digest and its outbox row were stored together, so a worker elsewhere sends it.
        var settings = new Dictionary<string, string?>(fixture.Settings) { ["Alerts:Roles"] = "Api" };
        await using (var scheduler = new AlertsServer(settings, services => services.AddSingleton<TimeProvider>(fixture.Clock)))
        {
            fixture.AdvanceToJustAfterNextHour();
            var first = await Runner(scheduler).RunDueAsync();
            var again = await Runner(scheduler).RunDueAsync();
            Assert.Equal(1, first.Sent);
            Assert.Equal(0, again.Sent);
        }

        Guid notificationId;
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
            notificationId = Assert.Single(await db.Digests.Where(d => d.SubscriptionId == created.Id).Select(d => d.NotificationId).ToListAsync());
        }
        // Done: the reader's outcome is recorded, which happens only after the push service answered.
        await Server.WaitForAlertAsync(notificationId, "done", Timeout);
        var digest = Assert.Single(Push.ReceivedBy(reader), p => Kind(p) == "digest");
        Assert.Equal("Your Pakistan digest: 1 new story", digest.Payload.GetProperty("title").GetString());
    }

    private static DigestRunner Runner(AlertsServer server) => server.Services.GetRequiredService<DigestRunner>();

    private static string? Kind(ReceivedPush push) =>
        push.Payload.ValueKind == JsonValueKind.Object ? push.Payload.GetProperty("kind").GetString() : null;

    private async Task<Subscriptions.Subscription> ReadSubscriptionAsync(Guid id)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        return await db.Subscriptions.AsNoTracking().SingleAsync(s => s.Id == id);
    }

    private Task PublishAsync(string articleId, string title, string section, int minutesAfterNow, bool breaking = false) =>
        fixture.PublishRawAsync(JsonSerializer.Serialize(new
        {
            articleId, title, summary = "The full story on the site.", url = $"https://news.example/{section}/{articleId}",
            sections = new[] { section }, imageUrl = "https://news.example/img/1.jpg",
            publishedAt = fixture.Clock.GetUtcNow().AddMinutes(minutesAfterNow), breaking,
        }));

    private Task WaitUntilSentAsync(string title) =>
        Server.WaitForNotificationAsync(n => n.GetProperty("title").GetString() == title && n.GetProperty("status").GetString() == "done", Timeout);
}
