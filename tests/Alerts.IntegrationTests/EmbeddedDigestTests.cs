using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.Digests;
using Alerts.Storage;
using Alerts.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.IntegrationTests;

/// <summary>
/// Digest runs in the embedded mode (SQLite and the in-memory bus), with pages of two readers and the
/// service's clock in the test's hands (a few hours behind, so the VAPID tokens it signs stay valid).
/// </summary>
public sealed class EmbeddedDigestTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _databaseFile = Path.Combine(Path.GetTempPath(), $"alerts-digests-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _clock = new(StartOfHour(DateTimeOffset.UtcNow.AddHours(-8)).AddMinutes(5));
    private FakePushService _push = null!;
    private AlertsServer _server = null!;

    public async Task InitializeAsync()
    {
        _push = await FakePushService.StartAsync(AlertsServer.VapidSubject);
        var settings = AlertsServer.BaseSettings(_push);
        settings["ConnectionStrings:Alerts"] = $"Data Source={_databaseFile}";
        settings["Alerts:Roles"] = "Api,Worker"; // the test runs the digest job itself
        settings["Alerts:Digests:PageSize"] = "2";
        settings["Alerts:PublicBaseUrl"] = "https://alerts.news.example";
        _server = new AlertsServer(settings, services => services.AddSingleton<TimeProvider>(_clock));
        await _server.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Readers_over_several_pages_get_one_digest_each_without_the_story_already_pushed_even_with_two_runs_at_once()
    {
        var world = Enumerable.Range(0, 3).Select(_ => TestSubscriber.Create()).ToList();
        var health = Enumerable.Range(0, 2).Select(_ => TestSubscriber.Create()).ToList();
        var hourly = new { mode = "digest", frequency = "hourly" };
        foreach (var r in world) await _server.SubscribeAsync(_push, r, ["world"], hourly, timeZone: "UTC");
        foreach (var r in health) await _server.SubscribeAsync(_push, r, ["health"], hourly, timeZone: "UTC");
        await PostArticleAsync("world-1", "Leaders agree to meet in Paris", "world", breaking: false);
        await PostArticleAsync("health-1", "New clinic opens", "health", breaking: false);
        await PostArticleAsync("world-2", "Summit called off", "world", breaking: true);
        await _push.WaitForRequestsAsync(all => world.All(r => all.Any(p => p.SubscriberId == r.Id && Kind(p) == "breaking")), Timeout);
        // Done: every outcome recorded, so the run sees the breaking story as pushed and the articles as stored.
        foreach (var title in new[] { "Leaders agree to meet in Paris", "New clinic opens", "Summit called off" })
            await _server.WaitForNotificationAsync(n => n.GetProperty("title").GetString() == title && n.GetProperty("status").GetString() == "done", Timeout);

        _clock.SetUtcNow(StartOfHour(_clock.GetUtcNow()).AddHours(1).AddMinutes(1));
        var runner = _server.Services.GetRequiredService<DigestRunner>();
        var summaries = await Task.WhenAll(Task.Run(() => runner.RunDueAsync()), Task.Run(() => runner.RunDueAsync()));
        Assert.Equal(5, summaries.Sum(s => s.Sent));
        Assert.All(summaries, s => Assert.Equal(0, s.Failed));

        var everyone = world.Concat(health).ToList();
        await _push.WaitForRequestsAsync(all => everyone.All(r => all.Any(p => p.SubscriberId == r.Id && Kind(p) == "digest")), Timeout);
        await using (var scope = _server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
            var notifications = await db.Digests.Select(d => d.NotificationId).Distinct().ToListAsync();
            Assert.Equal(3, notifications.Count); // five readers in pages of two
            foreach (var id in notifications)
                await _server.WaitForNotificationAsync(n => n.GetProperty("id").GetGuid() == id && n.GetProperty("status").GetString() == "done", Timeout);
        }
        foreach (var r in world) AssertOneDigest(r, "Your World digest: 1 new story", "• Leaders agree to meet in Paris");
        foreach (var r in health) AssertOneDigest(r, "Your Health digest: 1 new story", "• New clinic opens");

        // The reader's page lists their stories.
        var url = _push.ReceivedBy(world[0]).Single(p => Kind(p) == "digest").Payload.GetProperty("url").GetString()!;
        var page = await _server.CreateClient().GetFromJsonAsync<JsonElement>($"/api/digests/{url[(url.LastIndexOf('/') + 1)..]}");
        Assert.Equal("Your World digest: 1 new story", page.GetProperty("title").GetString());
        Assert.Equal(["world-1"], page.GetProperty("stories").EnumerateArray().Select(s => s.GetProperty("articleId").GetString()));
        Assert.Empty(_push.Rejections);
    }

    private void AssertOneDigest(TestSubscriber reader, string title, string body)
    {
        var digest = Assert.Single(_push.ReceivedBy(reader), p => Kind(p) == "digest");
        Assert.Equal(title, digest.Payload.GetProperty("title").GetString());
        Assert.Equal(body, digest.Payload.GetProperty("body").GetString());
    }

    private async Task PostArticleAsync(string articleId, string title, string section, bool breaking)
    {
        var response = await _server.Editor().PostAsJsonAsync("/api/articles", new
        {
            articleId, title, url = $"https://news.example/{section}/{articleId}", sections = new[] { section },
            publishedAt = _clock.GetUtcNow().AddMinutes(1), breaking,
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static string? Kind(ReceivedPush push) =>
        push.Payload.ValueKind == JsonValueKind.Object ? push.Payload.GetProperty("kind").GetString() : null;

    private static DateTimeOffset StartOfHour(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _push.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _databaseFile, _databaseFile + "-wal", _databaseFile + "-shm" })
            if (File.Exists(file)) File.Delete(file);
    }
}
