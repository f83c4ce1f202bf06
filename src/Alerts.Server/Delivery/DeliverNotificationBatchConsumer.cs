using Alerts.Contracts;
using Alerts.Notifications;
using Alerts.Storage;
using Alerts.WebPush;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Alerts.Delivery;

/// <summary>
/// Pushes one batch of a notification. Readers with a recorded delivery are skipped, results are
/// recorded in small chunks as they come in, so a worker that dies mid-batch leaves little to redo.
/// </summary>
public sealed class DeliverNotificationBatchConsumer(
    AlertsDbContext db, PushDispatcher dispatcher, IOptions<PushOptions> options, TimeProvider time,
    ILogger<DeliverNotificationBatchConsumer> logger) : IConsumer<DeliverNotificationBatch>
{
    private const int RecordEvery = 100;

    public async Task Consume(ConsumeContext<DeliverNotificationBatch> context)
    {
        var batch = context.Message;
        var cancellationToken = context.CancellationToken;
        var notification = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.Id == batch.NotificationId, cancellationToken);
        if (notification is null) return;

        if (notification.Status is not NotificationStatus.Cancelled)
            await DeliverAsync(notification, batch.SubscriptionIds, cancellationToken);

        db.NotificationBatches.Add(new NotificationBatch
        {
            NotificationId = batch.NotificationId, BatchNumber = batch.BatchNumber, CompletedAt = time.GetUtcNow().UtcDateTime,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (db.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear(); // a redelivered batch finished twice
        }
        await NotificationFanOut.CompleteIfFinishedAsync(db, batch.NotificationId, time, cancellationToken);
    }

    private async Task DeliverAsync(Notification notification, IReadOnlyList<Guid> subscriptionIds, CancellationToken cancellationToken)
    {
        var ids = subscriptionIds.ToList();
        var done = await db.Deliveries.AsNoTracking()
            .Where(d => d.NotificationId == notification.Id && ids.Contains(d.SubscriptionId))
            .Select(d => d.SubscriptionId).ToListAsync(cancellationToken);
        ids.RemoveAll(done.Contains);
        if (ids.Count == 0) return;

        var recipients = await db.Subscriptions.AsNoTracking().Where(s => ids.Contains(s.Id))
            .Select(s => new { s.Id, s.Endpoint, s.P256dh, s.Auth, s.QuietFrom, s.QuietTo, s.TimeZone })
            .ToListAsync(cancellationToken);

        var now = time.GetUtcNow().UtcDateTime;
        var expiresAt = notification.CreatedAt.AddSeconds(notification.TtlSeconds);
        if (notification.SendAt is { } sendAt && sendAt > notification.CreatedAt) expiresAt = sendAt.AddSeconds(notification.TtlSeconds);

        // Quiet hours hold articles (not breaking alerts or digests) until they end.
        var held = new List<Delivery>();
        var toSend = new List<PushRecipient>();
        foreach (var r in recipients)
        {
            var quietUntil = notification.Kind == NotificationKind.Article ? QuietHours.EndIfQuiet(r.QuietFrom, r.QuietTo, r.TimeZone, now) : null;
            if (quietUntil is { } until)
                held.Add(new Delivery { NotificationId = notification.Id, SubscriptionId = r.Id, Outcome = DeliveryOutcome.Held, ArticleId = notification.ArticleId, At = now, HeldUntil = until });
            else
                toSend.Add(new PushRecipient(r.Id, r.Endpoint, r.P256dh, r.Auth));
        }
        if (held.Count > 0) await RecordAsync(notification, held, cancellationToken);

        if (now >= expiresAt)
        {
            // Too late to be news: count as failed rather than push a stale alert.
            await RecordAsync(notification, toSend.Select(r => NewDelivery(notification, r.SubscriptionId, DeliveryOutcome.Failed, now)).ToList(), cancellationToken);
            return;
        }

        var payload = PushPayloadBuilder.Build(NotificationPayloads.For(notification, options.Value));
        var request = new PushRequestOptions(notification.TtlSeconds, notification.Urgency, notification.Topic);
        foreach (var chunk in toSend.Chunk(RecordEvery))
        {
            // A cancelled alert stops between chunks (DELETE /api/alerts/{id} while sending).
            if (await db.Notifications.AnyAsync(n => n.Id == notification.Id && n.Status == NotificationStatus.Cancelled, cancellationToken))
                return;
            var results = await dispatcher.SendAsync(chunk, payload, request, expiresAt, cancellationToken);
            var at = time.GetUtcNow().UtcDateTime;
            await RecordAsync(notification, results.Select(r => NewDelivery(notification, r.SubscriptionId, r.Outcome, at)).ToList(), cancellationToken);
            await UpdateSubscriptionsAsync(results, cancellationToken);
        }
    }

    private static Delivery NewDelivery(Notification notification, Guid subscriptionId, DeliveryOutcome outcome, DateTime at) =>
        new() { NotificationId = notification.Id, SubscriptionId = subscriptionId, Outcome = outcome, ArticleId = notification.ArticleId, At = at };

    /// <summary>Records deliveries and adds them to the notification's counters, counting each reader once.</summary>
    private async Task RecordAsync(Notification notification, List<Delivery> deliveries, CancellationToken cancellationToken)
    {
        if (deliveries.Count == 0) return;
        var recorded = deliveries;
        db.Deliveries.AddRange(deliveries);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (db.IsUniqueViolation(e))
        {
            // Another worker took part of this batch too (a redelivery): record one by one, keeping the first result.
            db.ChangeTracker.Clear();
            recorded = [];
            foreach (var delivery in deliveries)
            {
                db.Deliveries.Add(delivery);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    recorded.Add(delivery);
                }
                catch (DbUpdateException again) when (db.IsUniqueViolation(again))
                {
                    db.ChangeTracker.Clear();
                }
            }
        }
        db.ChangeTracker.Clear();

        int sent = recorded.Count(d => d.Outcome == DeliveryOutcome.Sent), failed = recorded.Count(d => d.Outcome == DeliveryOutcome.Failed);
        int gone = recorded.Count(d => d.Outcome == DeliveryOutcome.Gone), held = recorded.Count(d => d.Outcome == DeliveryOutcome.Held);
        await db.Notifications.Where(n => n.Id == notification.Id).ExecuteUpdateAsync(u => u
            .SetProperty(n => n.Sent, n => n.Sent + sent)
            .SetProperty(n => n.Failed, n => n.Failed + failed)
            .SetProperty(n => n.Gone, n => n.Gone + gone)
            .SetProperty(n => n.Held, n => n.Held + held), cancellationToken);
    }

    /// <summary>Gone subscriptions are deleted at once; failing ones are removed after repeated failures.</summary>
    private async Task UpdateSubscriptionsAsync(IReadOnlyList<PushAttemptResult> results, CancellationToken cancellationToken)
    {
        var gone = results.Where(r => r.Outcome == DeliveryOutcome.Gone).Select(r => r.SubscriptionId).ToList();
        if (gone.Count > 0)
        {
            await db.Subscriptions.Where(s => gone.Contains(s.Id)).ExecuteDeleteAsync(cancellationToken);
            logger.LogInformation("Removed {Count} subscriptions the push service reported gone", gone.Count);
        }

        var failed = results.Where(r => r.Outcome == DeliveryOutcome.Failed).Select(r => r.SubscriptionId).ToList();
        if (failed.Count > 0)
        {
            await db.Subscriptions.Where(s => failed.Contains(s.Id))
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.ConsecutiveFailures, s => s.ConsecutiveFailures + 1), cancellationToken);
            var limit = options.Value.MaxConsecutiveFailures;
            var removed = await db.Subscriptions.Where(s => failed.Contains(s.Id) && s.ConsecutiveFailures >= limit).ExecuteDeleteAsync(cancellationToken);
            if (removed > 0) logger.LogInformation("Removed {Count} subscriptions that failed {Limit} times in a row", removed, limit);
        }

        var sent = results.Where(r => r.Outcome == DeliveryOutcome.Sent).Select(r => r.SubscriptionId).ToList();
        if (sent.Count > 0)
            await db.Subscriptions.Where(s => sent.Contains(s.Id) && s.ConsecutiveFailures > 0)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.ConsecutiveFailures, 0), cancellationToken);
    }
}

public sealed class DeliverNotificationBatchConsumerDefinition : ConsumerDefinition<DeliverNotificationBatchConsumer>
{
    public DeliverNotificationBatchConsumerDefinition()
    {
        EndpointName = "deliver-notification-batch";
        // Each batch already sends with bounded parallelism; a few batches at once keep the pipe full.
        ConcurrentMessageLimit = 4;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<DeliverNotificationBatchConsumer> consumer, IRegistrationContext context)
    {
        endpoint.PrefetchCount = 8;
        endpoint.UseMessageRetry(r => r.Intervals(500, 2000, 5000));
    }
}
