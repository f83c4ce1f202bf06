using Alerts.Notifications;
using Alerts.Storage;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Alerts.Delivery;

/// <summary>
/// The recurring job that finds readers who no longer see anything. Some push services (Safari's) keep
/// answering 201 for subscriptions that died long ago, so 404/410 cleanup never removes them; the service
/// worker reports each notification it shows (POST /api/alerts/{id}/displays), and a subscription that
/// showed none of its last <see cref="PushOptions.SilentAfterPushes"/> pushes, the oldest of them at least
/// <see cref="MinimumSpan"/> ago, is removed and counted as silent (in the hourly figures of
/// GET /api/alerts/stats). One set-based statement, the same on PostgreSQL and SQLite.
/// </summary>
public sealed class SilentReaders(IServiceScopeFactory scopes, IOptions<PushOptions> options, TimeProvider time, ILogger<SilentReaders> logger)
{
    public const string JobId = "silent-readers";

    /// <summary>However many pushes went unseen, a reader is given at least this long.</summary>
    public static readonly TimeSpan MinimumSpan = TimeSpan.FromDays(14);

    private static readonly Counter Removed = Metrics.CreateCounter(
        "alerts_subscriptions_silent_removed_total", "Subscriptions removed because their browser showed none of their recent pushes.");

    [AutomaticRetry(Attempts = 0, LogEvents = false)]
    public async Task RunAsync(CancellationToken cancellationToken) => await SweepAsync(cancellationToken);

    /// <summary>Removes the silent subscriptions; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var pushes = options.Value.SilentAfterPushes;
        if (pushes == 0) return 0;
        var now = time.GetUtcNow().UtcDateTime;
        var since = now - MinimumSpan;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Only pushes a push service accepted count ("Sent" with an answer time: recorded since displays are
        // reported, so deliveries from before that never make a reader look silent). Each subscription's last
        // N of them: all N there, none shown, the oldest at least MinimumSpan ago.
        var removed = await db.Database.ExecuteSqlInterpolatedAsync($"""
            WITH recent AS (
              SELECT "SubscriptionId" AS s, "At" AS at, "DisplayedAt" AS shown,
                     row_number() OVER (PARTITION BY "SubscriptionId" ORDER BY "At" DESC) AS rn
              FROM deliveries WHERE "Outcome" = 'Sent' AND "AnsweredAt" IS NOT NULL),
            silent AS (
              SELECT s FROM recent WHERE rn <= {pushes} GROUP BY s
              HAVING count(*) >= {pushes} AND count(shown) = 0 AND min(at) <= {since})
            DELETE FROM subscriptions WHERE "Id" IN (SELECT s FROM silent)
            """, cancellationToken);
        if (removed > 0)
            await ClickHour.CountSilentAsync(db, now, removed, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        if (removed > 0)
        {
            Removed.Inc(removed);
            logger.LogInformation("Removed {Count} silent subscriptions: none of their last {Pushes} pushes (over at least {Days} days) was shown",
                removed, pushes, MinimumSpan.TotalDays);
        }
        return removed;
    }
}
