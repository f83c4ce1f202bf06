using Alerts.Notifications;
using Alerts.Storage;
using Microsoft.EntityFrameworkCore;
using Prometheus;

namespace Alerts.Delivery;

/// <summary>
/// Ends a notification once it is fully planned and no reader is pending: Done, or Expired when its TTL
/// ran out before a single reader was reached. A conditional update, so a cancellation always wins and
/// two workers finishing at once record one ending.
/// </summary>
public sealed class NotificationCompletion(AlertsDbContext db, TimeProvider time)
{
    private static readonly Histogram FanOut = Metrics.CreateHistogram(
        "alerts_fanout_seconds", "From a notification's due time (accepted, or its sendAt) to its last reader's outcome.",
        new HistogramConfiguration { LabelNames = ["kind"], Buckets = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 14400] });

    public async Task CompleteIfFinishedAsync(Guid notificationId, CancellationToken cancellationToken)
    {
        var state = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.Id == notificationId, cancellationToken);
        // A headline test's sample may all be finished long before the winner is planned.
        if (state is not { Planned: true, Status: NotificationStatus.Sending, TestUndecided: false } || state.Finished < state.Targeted) return;

        var now = time.GetUtcNow().UtcDateTime;
        var ending = state.Sent == 0 && state.Expired > 0 ? NotificationStatus.Expired : NotificationStatus.Done;
        var completed = await db.Notifications
            .Where(n => n.Id == notificationId && n.Status == NotificationStatus.Sending && n.Planned && (n.DecideAt == null || n.Winner != null) &&
                        n.Sent + n.Failed + n.Gone + n.Expired + n.Held >= n.Targeted)
            .ExecuteUpdateAsync(u => u.SetProperty(n => n.Status, ending).SetProperty(n => n.CompletedAt, now), cancellationToken);
        if (completed == 0) return;
        FanOut.WithLabels(state.Kind.ToString().ToLowerInvariant()).Observe(Math.Max(0, (now - state.DueAt).TotalSeconds));

        // Breaking alerts (editors' and the CMS's) and corrections close their audit record with the outcome.
        if (state.Kind is not (NotificationKind.Breaking or NotificationKind.Correction)) return;
        var done = await db.Notifications.AsNoTracking().FirstAsync(n => n.Id == notificationId, cancellationToken);
        db.AuditLog.Add(AuditTrail.Entry(done, AuditAction.Completed, AuditTrail.ServiceActor,
            $"{ending.ToString().ToLowerInvariant()}: {AuditTrail.Counts(done)}", now));
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }
}
