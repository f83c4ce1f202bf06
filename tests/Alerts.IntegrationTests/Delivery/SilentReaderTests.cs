using System.Net.Http.Json;
using System.Text.Json;
using Alerts.Delivery;
using Alerts.IntegrationTests.Infrastructure;
using Alerts.IntegrationTests.Security;
using Alerts.Notifications;
using Alerts.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.IntegrationTests.Delivery;

/// <summary>
/// The silent-reader sweep removes exactly the subscriptions whose last N accepted pushes (N =
/// Alerts:Push:SilentAfterPushes, 10 by default) were all left unshown, the oldest of them at least 14 days
/// ago, and counts them in the hourly figures. The ledger is seeded directly, relative to the service's clock.
/// </summary>
public sealed class SilentReaderTests(ProductionModeFixture fixture) : IClassFixture<ProductionModeFixture>
{
    [Fact]
    public async Task The_sweep_removes_exactly_the_readers_who_showed_none_of_their_last_pushes_over_two_weeks_on_postgres()
    {
        var removed = await SilentReaderScenario.RunAsync(fixture.Server, fixture.Push);
        Assert.Equal(2, removed);
    }
}

public sealed class EmbeddedSilentReaderTests
{
    [Fact]
    public async Task The_sweep_removes_exactly_the_readers_who_showed_none_of_their_last_pushes_over_two_weeks_on_sqlite()
    {
        await using var embedded = await EmbeddedServer.StartAsync();
        var removed = await SilentReaderScenario.RunAsync(embedded.Server, embedded.Push);
        Assert.Equal(2, removed);
    }
}

internal static class SilentReaderScenario
{
    private const int N = 10;

    /// <summary>Seeds six readers, sweeps, checks who is left and the count in GET /api/alerts/stats; returns how many were removed.</summary>
    public static async Task<int> RunAsync(AlertsServer server, FakePushService push)
    {
        var now = server.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        DateTime DaysAgo(double days) => now.AddDays(-days);

        // Each reader's pushes, oldest first: (days ago, shown?, answered?).
        var readers = new Dictionary<string, (double Days, bool Shown, bool Answered)[]>
        {
            // N pushes over 20 days, none shown: silent.
            ["silent"] = Spread(20, 1, N).Select(d => (d, false, true)).ToArray(),
            // Two old ones shown long ago, then N unshown over 15 days: only the last N count, so silent.
            ["silent lately"] = Spread(40, 39, 2).Select(d => (d, true, true)).Concat(Spread(15, 1, N).Select(d => (d, false, true))).ToArray(),
            // The newest of N shown: not silent.
            ["shows the newest"] = Spread(20, 1, N).Select((d, i) => (d, i == N - 1, true)).ToArray(),
            // N unshown, all within 10 days: not long enough.
            ["too recent"] = Spread(10, 0.5, N).Select(d => (d, false, true)).ToArray(),
            // N - 1 unshown over 30 days: too few.
            ["too few"] = Spread(30, 1, N - 1).Select(d => (d, false, true)).ToArray(),
            // N unshown over 20 days, but from before answers were recorded (and displays reported): not counted.
            ["before displays"] = Spread(20, 1, N).Select(d => (d, false, false)).ToArray(),
        };

        var ids = new Dictionary<string, Guid>();
        foreach (var name in readers.Keys)
            ids[name] = (await server.SubscribeAsync(push, TestSubscriber.Create(), ["world"])).Id;

        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
            foreach (var (name, pushes) in readers)
            {
                foreach (var (days, shown, answered) in pushes)
                {
                    var at = DaysAgo(days);
                    var notification = new Notification
                    {
                        Id = Guid.NewGuid(), Kind = NotificationKind.Breaking, Status = NotificationStatus.Done,
                        Title = "Seeded", Body = "Seeded", Url = "https://news.example/seeded", CreatedAt = at, CompletedAt = at, Planned = true,
                    };
                    db.Notifications.Add(notification);
                    db.Deliveries.Add(new Alerts.Delivery.Delivery
                    {
                        NotificationId = notification.Id, SubscriptionId = ids[name], Outcome = DeliveryOutcome.Sent, At = at, Attempts = 1,
                        AnsweredAt = answered ? at : null, Host = "127.0.0.1", DisplayedAt = shown ? at.AddMinutes(1) : null,
                    });
                }
            }
            await db.SaveChangesAsync();
        }

        var removed = await server.Services.GetRequiredService<SilentReaders>().SweepAsync();

        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
            var all = ids.Values.ToList();
            var left = await db.Subscriptions.AsNoTracking().Where(s => all.Contains(s.Id)).Select(s => s.Id).ToListAsync();
            var leftNames = ids.Where(i => left.Contains(i.Value)).Select(i => i.Key).Order().ToList();
            Assert.Equal(new[] { "before displays", "shows the newest", "too few", "too recent" }, leftNames);
        }

        var hours = await server.Editor().GetFromJsonAsync<JsonElement>("/api/alerts/stats?hours=2");
        Assert.Equal(removed, hours.EnumerateArray().Sum(h => h.GetProperty("silent").GetInt32()));
        // A second sweep finds no one more.
        Assert.Equal(0, await server.Services.GetRequiredService<SilentReaders>().SweepAsync());
        return removed;
    }

    /// <summary>count times from fromDays ago to toDays ago, evenly spaced, oldest first.</summary>
    private static IEnumerable<double> Spread(double fromDays, double toDays, int count) =>
        Enumerable.Range(0, count).Select(i => count == 1 ? fromDays : fromDays - (fromDays - toDays) * i / (count - 1));
}
