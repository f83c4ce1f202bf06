using System.Globalization;
using Alerts.Delivery;
using Alerts.Outbox;
using Alerts.Storage;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Notifications;

public enum DecideNowOutcome { Accepted, NotFound, NoTest, AlreadyDecided, NotRunning }

/// <summary>
/// Ends a headline test: at its decide-at time (its own outbox row wakes the planner) or when an editor
/// asks for the leader now. The best click-through rate wins (ties: the first), set by one conditional
/// update that also sends the planner back to the start, so of two planners one decides and both then
/// plan the same rest.
/// </summary>
public sealed class HeadlineTestDecision(AlertsDbContext db, TimeProvider time, ILogger<HeadlineTestDecision> logger)
{
    /// <summary>How soon to look again when the sample's batches have not all been claimed yet.</summary>
    public static readonly TimeSpan LookAgainAfter = TimeSpan.FromSeconds(2);

    /// <returns>True when the test is decided and the rest of the audience is to be planned.</returns>
    public async Task<bool> DecideIfDueAsync(Guid notificationId, CancellationToken cancellationToken)
    {
        var test = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.Id == notificationId, cancellationToken);
        if (test is not { Planned: true, Status: NotificationStatus.Sending, TestUndecided: true }) return false;
        var now = time.GetUtcNow().UtcDateTime;
        if (now < test.DecideAt) return false; // its own outbox row comes then

        // The rest is the audience minus the ledger's rows: only once every sampled reader has one is that exact.
        var recorded = await db.Deliveries.CountAsync(d => d.NotificationId == notificationId, cancellationToken);
        if (recorded < test.Targeted)
        {
            db.OutboxMessages.Add(OutboxMessages.Plan(notificationId, now, now + LookAgainAfter));
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return false;
        }

        var figures = await FiguresAsync(db, notificationId, cancellationToken);
        var winner = HeadlineTests.Winner(figures);
        // A throttled test paces the winner from the decision: the sample counts as already had its turn.
        var pacedFrom = test.ThrottlePerMinute is { } rate ? now.AddMinutes(-test.Targeted / (double)rate) : test.StartedAt;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            // BatchCount is kept: batch numbers never repeat.
            var decided = await db.Notifications
                .Where(n => n.Id == notificationId && n.Winner == null && n.Planned && n.Status == NotificationStatus.Sending)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(n => n.Winner, winner)
                    .SetProperty(n => n.DecidedAt, now)
                    .SetProperty(n => n.StartedAt, pacedFrom)
                    .SetProperty(n => n.Planned, false)
                    .SetProperty(n => n.PlannedThrough, (Guid?)null), token);
            if (decided == 0) return true; // another planner decided (or it was cancelled): planning finds out which
            db.AuditLog.Add(AuditTrail.Entry(test, AuditAction.Decided, AuditTrail.ServiceActor, Describe(winner, figures), now));
            await db.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
            db.ChangeTracker.Clear();
            logger.LogInformation("Headline test of notification {NotificationId} decided: variant {Winner} goes to the rest", notificationId, winner);
            return true;
        }, cancellationToken);
    }

    /// <summary>"Send the leader now": brings the decision forward and wakes the planner.</summary>
    public async Task<(DecideNowOutcome Outcome, Notification? Notification)> DecideNowAsync(Guid notificationId, string keyName, CancellationToken cancellationToken)
    {
        var notification = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.Id == notificationId, cancellationToken);
        if (notification is null) return (DecideNowOutcome.NotFound, null);
        if (notification.DecideAt is null) return (DecideNowOutcome.NoTest, notification);
        if (notification.Winner is not null) return (DecideNowOutcome.AlreadyDecided, notification);
        if (notification.Status is not (NotificationStatus.Queued or NotificationStatus.Sending)) return (DecideNowOutcome.NotRunning, notification);

        var now = time.GetUtcNow().UtcDateTime;
        await db.Notifications.Where(n => n.Id == notificationId && n.Winner == null && n.DecideAt > now)
            .ExecuteUpdateAsync(u => u.SetProperty(n => n.DecideAt, now), cancellationToken);
        db.OutboxMessages.Add(OutboxMessages.Plan(notificationId, now, now));
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Headline test of notification {NotificationId} to be decided now, asked by {KeyName}", notificationId, keyName);
        return (DecideNowOutcome.Accepted, notification);
    }

    /// <summary>Every variant's sent and clicked, from the ledger rows of the alert grouped by variant (a variant with none: zeros).</summary>
    public static async Task<List<VariantFigures>> FiguresAsync(AlertsDbContext db, Guid notificationId, CancellationToken cancellationToken) =>
        await FiguresAsync(db, notificationId, await db.HeadlineVariants.AsNoTracking().Where(v => v.NotificationId == notificationId)
            .Select(v => v.Number).ToListAsync(cancellationToken), cancellationToken);

    /// <summary>The same, for variants already read.</summary>
    public static async Task<List<VariantFigures>> FiguresAsync(AlertsDbContext db, Guid notificationId, IReadOnlyList<int> numbers, CancellationToken cancellationToken)
    {
        var counted = await db.Deliveries.AsNoTracking()
            .Where(d => d.NotificationId == notificationId && d.Variant != null)
            .GroupBy(d => d.Variant!.Value)
            .Select(g => new
            {
                Number = g.Key,
                Sent = g.Count(d => d.Outcome == DeliveryOutcome.Sent),
                Clicked = g.Count(d => d.ClickedAt != null),
            })
            .ToListAsync(cancellationToken);
        return numbers.Order()
            .Select(number => counted.FirstOrDefault(c => c.Number == number) is { } c ? new VariantFigures(number, c.Sent, c.Clicked) : new VariantFigures(number, 0, 0))
            .ToList();
    }

    /// <summary>For the audit trail, e.g. "headline test: variant 2 won, 4.1 % of 1,200 clicked (variant 1: 2.0 % of 1,190)".</summary>
    public static string Describe(int winner, IReadOnlyList<VariantFigures> figures)
    {
        static string Of(VariantFigures f) => string.Create(CultureInfo.InvariantCulture, $"{f.Rate * 100:0.0} % of {f.Sent:N0}");
        var won = figures.FirstOrDefault(f => f.Number == winner) ?? new VariantFigures(winner, 0, 0);
        var others = string.Join(", ", figures.Where(f => f.Number != winner).Select(f => $"variant {f.Number}: {Of(f)}"));
        return $"headline test: variant {winner} won, {Of(won)} clicked" + (others.Length > 0 ? $" ({others})" : "");
    }
}
