using Alerts.Contracts;
using Alerts.Notifications;
using Alerts.Outbox;
using Alerts.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Alerts.Delivery;

/// <summary>
/// Splits a notification's audience into batches that any worker can take. Each step reads the next
/// slice of the audience in subscription-id order and, in one transaction, writes its batches to the
/// outbox and moves the notification's keyset position on. A crash or a second copy of the message
/// resumes at the recorded position, with the same batch numbers; a step that lost a race to another
/// planner is rolled back and read again.
/// </summary>
public sealed class NotificationPlanner(
    AlertsDbContext db, NotificationCompletion completion, IOptions<PushOptions> options, TimeProvider time, ILogger<NotificationPlanner> logger)
{
    /// <summary>Batches written per transaction: large enough to plan a million readers quickly, small enough to keep transactions short.</summary>
    private const int BatchesPerStep = 20;

    public async Task PlanAsync(Guid notificationId, long? outboxId, CancellationToken cancellationToken)
    {
        while (await PlanStepAsync(notificationId, cancellationToken)) { }
        if (outboxId is { } id) await db.OutboxMessages.Where(m => m.Id == id).ExecuteDeleteAsync(cancellationToken);
        await completion.CompleteIfFinishedAsync(notificationId, cancellationToken);
    }

    /// <returns>True while part of the audience is still to be planned.</returns>
    private async Task<bool> PlanStepAsync(Guid notificationId, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            var notification = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.Id == notificationId, token);
            if (notification is null || notification.Planned ||
                notification.Status is not (NotificationStatus.Queued or NotificationStatus.Scheduled or NotificationStatus.Sending))
                return false;

            // A throttled notification is cut into batches of a second's share, each due at its turn.
            var batchSize = Pacing.BatchSize(notification.ThrottlePerMinute, options.Value.BatchSize);
            var take = batchSize * BatchesPerStep;
            var audience = await AudienceOf(notification, token);
            if (notification.PlannedThrough is { } after) audience = audience.Where(s => s.Id.CompareTo(after) > 0);
            var ids = await audience.OrderBy(s => s.Id).Select(s => s.Id).Take(take).ToListAsync(token);

            var now = time.GetUtcNow().UtcDateTime;
            var batchNumber = notification.BatchCount;
            var readersBefore = notification.Targeted;
            var startedAt = notification.StartedAt ?? now;
            foreach (var slice in ids.Chunk(batchSize))
            {
                var due = Pacing.BatchDueAt(startedAt, readersBefore, notification.ThrottlePerMinute, now);
                db.OutboxMessages.Add(OutboxMessages.Batch(new DeliverNotificationBatch(notificationId, batchNumber++, slice), now, due));
                readersBefore += slice.Length;
            }
            var finished = ids.Count < take;
            var through = ids.Count > 0 ? ids[^1] : notification.PlannedThrough;

            // Conditional on the position read above: of two planners, one moves it, the other reads again.
            var moved = await db.Notifications
                .Where(n => n.Id == notificationId && n.BatchCount == notification.BatchCount && !n.Planned &&
                            (n.Status == NotificationStatus.Queued || n.Status == NotificationStatus.Scheduled || n.Status == NotificationStatus.Sending))
                .ExecuteUpdateAsync(u => u
                    .SetProperty(n => n.BatchCount, batchNumber)
                    .SetProperty(n => n.Targeted, n => n.Targeted + ids.Count)
                    .SetProperty(n => n.PlannedThrough, through)
                    .SetProperty(n => n.StartedAt, startedAt)
                    .SetProperty(n => n.Planned, finished)
                    .SetProperty(n => n.Status, NotificationStatus.Sending), token);
            if (moved == 0) return true;
            await db.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
            db.ChangeTracker.Clear();
            if (finished)
                logger.LogInformation("Notification {NotificationId} ({Kind}) targets {Targeted} subscriptions in {Batches} batches",
                    notificationId, notification.Kind, notification.Targeted + ids.Count, batchNumber);
            return !finished;
        }, cancellationToken);
    }

    /// <summary>
    /// Digests and quiet-hours releases go to the readers whose digest rows point at the notification (a
    /// page of a digest run, or one reader); a correction to the readers its original was sent to (the
    /// ledger's Sent rows, and Released ones: readers who got it when their quiet hours ended, whatever
    /// their preferences or mutes say now, unless paused); everything else
    /// goes by audience rules.
    /// </summary>
    private async Task<IQueryable<Subscriptions.Subscription>> AudienceOf(Notification notification, CancellationToken cancellationToken)
    {
        var id = notification.Id;
        if (notification.CorrectsId is { } original)
            return db.Subscriptions.AsNoTracking().Where(s => !s.Paused &&
                db.Deliveries.Any(d => d.NotificationId == original && d.SubscriptionId == s.Id &&
                                       (d.Outcome == DeliveryOutcome.Sent || d.Outcome == DeliveryOutcome.Released)));
        var personal = await db.Digests.AsNoTracking().AnyAsync(d => d.NotificationId == id, cancellationToken);
        return personal
            ? db.Subscriptions.AsNoTracking().Where(s => !s.Paused && db.Digests.Any(d => d.NotificationId == id && d.SubscriptionId == s.Id))
            : db.Subscriptions.AsNoTracking().Where(Audience.For(notification.Kind, notification.SectionList, time.GetUtcNow().UtcDateTime));
    }
}
