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
/// A headline test is planned twice: first its sample, split evenly across the variants; then, once
/// <see cref="HeadlineTestDecision"/> has picked the winner, everyone else with the winner.
/// </summary>
public sealed class NotificationPlanner(
    AlertsDbContext db, NotificationCompletion completion, HeadlineTestDecision headlineTest, IOptions<PushOptions> options, TimeProvider time,
    ILogger<NotificationPlanner> logger)
{
    /// <summary>Batches written per transaction: large enough to plan a million readers quickly, small enough to keep transactions short.</summary>
    private const int BatchesPerStep = 20;

    /// <summary>Whether the last step read a headline test still to be decided: only then is the decision looked at.</summary>
    private bool _undecidedTest;

    public async Task PlanAsync(Guid notificationId, long? outboxId, CancellationToken cancellationToken)
    {
        while (await PlanStepAsync(notificationId, cancellationToken)) { }
        if (_undecidedTest && await headlineTest.DecideIfDueAsync(notificationId, cancellationToken))
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
            _undecidedTest = notification is { TestUndecided: true };
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
            var planned = await ToVariantsAsync(notification, ids, token);
            var readersBefore = notification.Targeted;
            var startedAt = notification.StartedAt ?? now;
            foreach (var (variant, readers) in planned)
                foreach (var slice in readers.Chunk(batchSize))
                {
                    var due = Pacing.BatchDueAt(startedAt, readersBefore, notification.ThrottlePerMinute, now);
                    db.OutboxMessages.Add(OutboxMessages.Batch(new DeliverNotificationBatch(notificationId, batchNumber++, slice) { Variant = variant }, now, due));
                    readersBefore += slice.Length;
                }
            var targeted = readersBefore - notification.Targeted;
            var finished = ids.Count < take;
            var through = ids.Count > 0 ? ids[^1] : notification.PlannedThrough;

            // Conditional on the position read above: of two planners, one moves it, the other reads again.
            // The winner too: a headline test's decision starts planning over, and a step read before it must not land after it.
            var winner = notification.Winner;
            var moved = await db.Notifications
                .Where(n => n.Id == notificationId && n.BatchCount == notification.BatchCount && !n.Planned && n.Winner == winner &&
                            (n.Status == NotificationStatus.Queued || n.Status == NotificationStatus.Scheduled || n.Status == NotificationStatus.Sending))
                .ExecuteUpdateAsync(u => u
                    .SetProperty(n => n.BatchCount, batchNumber)
                    .SetProperty(n => n.Targeted, n => n.Targeted + targeted)
                    .SetProperty(n => n.PlannedThrough, through)
                    .SetProperty(n => n.StartedAt, startedAt)
                    .SetProperty(n => n.Planned, finished)
                    .SetProperty(n => n.Status, NotificationStatus.Sending), token);
            if (moved == 0) return true;
            foreach (var (variant, readers) in planned.Where(p => p.Variant is not null))
                await db.HeadlineVariants.Where(v => v.NotificationId == notificationId && v.Number == variant)
                    .ExecuteUpdateAsync(u => u.SetProperty(v => v.Targeted, v => v.Targeted + readers.Count), token);
            await db.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
            db.ChangeTracker.Clear();
            if (finished)
                logger.LogInformation("Notification {NotificationId} ({Kind}) targets {Targeted} subscriptions in {Batches} batches",
                    notificationId, notification.Kind, notification.Targeted + targeted, batchNumber);
            return !finished;
        }, cancellationToken);
    }

    /// <summary>
    /// The readers of this step by variant: all of them without one for an ordinary notification; for a
    /// headline test, first only the sampled readers, taken in turn by each variant (counting on from those
    /// planned before, so a resumed planner splits the same way), then all with the winner.
    /// </summary>
    private async Task<List<(int? Variant, List<Guid> Readers)>> ToVariantsAsync(Notification notification, List<Guid> ids, CancellationToken cancellationToken)
    {
        if (notification.DecideAt is null) return [(null, ids)];
        if (notification.Winner is { } winner) return [(winner, ids)];
        var variantCount = Math.Max(1, await db.HeadlineVariants.CountAsync(v => v.NotificationId == notification.Id, cancellationToken));
        var sampled = ids.Where(id => HeadlineTests.InSample(notification.Id, id, notification.TestSample ?? 0)).ToList();
        return sampled.Select((id, i) => (Id: id, Variant: HeadlineTests.VariantOf(notification.Targeted + i, variantCount)))
            .GroupBy(r => r.Variant).OrderBy(g => g.Key)
            .Select(g => ((int?)g.Key, g.Select(r => r.Id).ToList())).ToList();
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
            : AfterHeadlineTest(notification, db.Subscriptions.AsNoTracking().Where(Audience.For(notification.Kind, notification.SectionList, time.GetUtcNow().UtcDateTime)));
    }

    /// <summary>
    /// Once a headline test is decided, the rest is the audience minus every reader with a ledger row for the
    /// alert (the decision waits until the sample has theirs): nobody gets two headlines, and readers who
    /// subscribed since the sample was taken get the winner.
    /// </summary>
    private IQueryable<Subscriptions.Subscription> AfterHeadlineTest(Notification notification, IQueryable<Subscriptions.Subscription> audience)
    {
        if (notification.Winner is null) return audience;
        var id = notification.Id;
        return audience.Where(s => !db.Deliveries.Any(d => d.NotificationId == id && d.SubscriptionId == s.Id));
    }
}
