using Alerts.Contracts;
using Alerts.Notifications;
using Alerts.Storage;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Alerts.Delivery;

/// <summary>
/// Splits a notification's audience into batches on the bus, so that every worker can take a share.
/// Publishing is awaited (publisher confirms on RabbitMQ) before the notification is marked planned,
/// so a crash mid-way re-plans and the delivery records keep readers from being pushed twice.
/// </summary>
public sealed class NotificationFanOut(AlertsDbContext db, IOptions<PushOptions> options, TimeProvider time, ILogger<NotificationFanOut> logger)
{
    public async Task PlanAsync(Guid notificationId, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var notification = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.Id == notificationId, cancellationToken);
        if (notification is null || notification.Planned ||
            notification.Status is NotificationStatus.Cancelled or NotificationStatus.Done or NotificationStatus.Failed)
            return;

        // Digests and quiet-hours releases are for one reader: their digest row names who.
        var reader = await db.Digests.AsNoTracking().Where(d => d.Id == notification.Id)
            .Select(d => (Guid?)d.SubscriptionId).FirstOrDefaultAsync(cancellationToken);
        var audience = reader is { } one
            ? db.Subscriptions.AsNoTracking().Where(s => s.Id == one && !s.Paused)
            : db.Subscriptions.AsNoTracking().Where(Audience.For(notification.Kind, notification.SectionList));
        var batchSize = options.Value.BatchSize;
        int batches = 0, targeted = 0;
        Guid? after = null;
        while (true)
        {
            var page = after is { } last ? audience.Where(s => s.Id.CompareTo(last) > 0) : audience;
            var ids = await page.OrderBy(s => s.Id).Select(s => s.Id).Take(batchSize).ToListAsync(cancellationToken);
            if (ids.Count == 0) break;
            await publisher.Publish(new DeliverNotificationBatch(notification.Id, batches, ids), cancellationToken);
            batches++;
            targeted += ids.Count;
            after = ids[^1];
        }

        // Conditional updates rather than saving the entity read above: an editor may have cancelled the
        // alert meanwhile, and Cancelled must stay Cancelled.
        await db.Notifications.Where(n => n.Id == notification.Id).ExecuteUpdateAsync(u => u
            .SetProperty(n => n.Targeted, targeted)
            .SetProperty(n => n.BatchCount, batches)
            .SetProperty(n => n.Planned, true), cancellationToken);
        await db.Notifications
            .Where(n => n.Id == notification.Id && (n.Status == NotificationStatus.Queued || n.Status == NotificationStatus.Scheduled))
            .ExecuteUpdateAsync(u => u.SetProperty(n => n.Status, NotificationStatus.Sending), cancellationToken);
        logger.LogInformation("Notification {NotificationId} ({Kind}) targets {Targeted} subscriptions in {Batches} batches",
            notification.Id, notification.Kind, targeted, batches);
        await CompleteIfFinishedAsync(db, notification.Id, time, cancellationToken);
    }

    /// <summary>Marks the notification done once it is planned and every batch has finished.</summary>
    public static async Task CompleteIfFinishedAsync(AlertsDbContext db, Guid notificationId, TimeProvider time, CancellationToken cancellationToken)
    {
        var state = await db.Notifications.AsNoTracking().Where(n => n.Id == notificationId)
            .Select(n => new { n.Planned, n.BatchCount, n.Status }).FirstOrDefaultAsync(cancellationToken);
        if (state is not { Planned: true, Status: NotificationStatus.Sending }) return;
        var finished = await db.NotificationBatches.CountAsync(b => b.NotificationId == notificationId, cancellationToken);
        if (finished < state.BatchCount) return;
        var now = time.GetUtcNow().UtcDateTime;
        var completed = await db.Notifications.Where(n => n.Id == notificationId && n.Status == NotificationStatus.Sending)
            .ExecuteUpdateAsync(u => u.SetProperty(n => n.Status, NotificationStatus.Done).SetProperty(n => n.CompletedAt, now), cancellationToken);
        if (completed == 0) return; // another worker finished it, or it was cancelled

        // Breaking alerts (editors' and the CMS's) close their audit record with the outcome.
        var done = await db.Notifications.AsNoTracking().FirstAsync(n => n.Id == notificationId, cancellationToken);
        if (done.Kind != NotificationKind.Breaking) return;
        db.AuditLog.Add(AuditTrail.Entry(done, AuditAction.Completed, AuditTrail.ServiceActor, $"done: {AuditTrail.Counts(done)}", now));
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }
}
