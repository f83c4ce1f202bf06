using Alerts.Contracts;
using Alerts.Delivery.Ledger;
using Alerts.Notifications;
using Alerts.Outbox;
using Alerts.Storage;
using System.Threading.Channels;
using Alerts.WebPush;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Alerts.Delivery;

/// <summary>
/// Delivers one batch: claims its readers in the ledger, pushes to what it claimed, and records the
/// outcomes every <see cref="RecordEvery"/> pushes while the rest are still being sent (claims and outcomes
/// together: one database round trip per 100 pushes). Pushes the push service asks to retry go back to the outbox as a retry batch due
/// after their back-off, until the TTL; a worker that is stopping hands the rest back the same way.
/// A worker that dies loses at most the outcomes since its last record: those readers are claimed again
/// when the lease ends, the only way a reader can get a push twice.
/// </summary>
public sealed class BatchDelivery(
    AlertsDbContext db, PushDispatcher dispatcher, NotificationCompletion completion, WorkerDrain drain, ClickTokens clickTokens,
    Digests.DigestPayloads digestPayloads, BatchPayloads batchPayloads, IOptions<PushOptions> options, TimeProvider time, ILogger<BatchDelivery> logger)
{
    public const int RecordEvery = 125;

    /// <summary>Outcomes gathered and no new result for this long: recorded without waiting for more.</summary>
    private static readonly TimeSpan RecordIdleAfter = TimeSpan.FromMilliseconds(500);

    private static readonly Counter RetriesScheduled = Metrics.CreateCounter(
        "alerts_push_retries_scheduled_total", "Pushes put back in the outbox to be retried after a back-off.");

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task DeliverAsync(DeliverNotificationBatch batch, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var ledger = DeliveryLedger.For(db);
        var notification = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.Id == batch.NotificationId, cancellationToken);
        var token = Guid.NewGuid();
        var leaseUntil = Now + settings.ClaimLease;
        IReadOnlyList<ClaimedReader> claimed = notification is null
            ? []
            : await ledger.ClaimAsync(notification, batch, token, Now, leaseUntil, cancellationToken);

        // Rechecks of readers held elsewhere go out with the first record of this batch.
        var write = new LedgerWrite();
        if (notification is { Status: NotificationStatus.Sending } && claimed.Count < batch.SubscriptionIds.Count)
            await RecheckWhenLeasesEndAsync(ledger, batch, token, write, cancellationToken);
        if (claimed.Count == 0 || notification is null)
        {
            // Nothing (left) to do here: a redelivery after the work was recorded, or a cancelled alert. The
            // worker that recorded the last outcome may have died before ending the notification: end it here.
            write.FinishedOutboxId = batch.OutboxId;
            await RecordDurablyAsync(ledger, batch.NotificationId, token, leaseUntil, write);
            await completion.CompleteIfFinishedAsync(batch.NotificationId, CancellationToken.None);
            return;
        }

        // Fitted and serialised once per shape (with room for a click token); each reader's push carries its own token.
        var payloads = await batchPayloads.ForBatchAsync(notification, batch.Variant, claimed, cancellationToken);
        var request = new PushRequestOptions(notification.TtlSeconds, notification.Urgency, notification.Topic);
        // A digest notification carries each reader's own digest (title, body, link, topic) in their digest row.
        var personal = await digestPayloads.ForReadersAsync(notification, claimed.Select(c => c.SubscriptionId).ToList(), cancellationToken);
        byte[] PayloadFor(Guid subscriptionId) => personal?.GetValueOrDefault(subscriptionId) is { } own
            ? payloads.Personal(subscriptionId, own.Payload, clickTokens.For(notification.Id, subscriptionId))
            : payloads.For(subscriptionId, clickTokens.For(notification.Id, subscriptionId));
        PushRequestOptions RequestFor(Guid subscriptionId) => personal?.GetValueOrDefault(subscriptionId)?.Request ?? request;

        var results = Channel.CreateUnbounded<PushAttemptResult>(new UnboundedChannelOptions { SingleReader = true });
        var atLimit = await DailyLimit.ReachedAsync(db, notification, claimed, Now, cancellationToken);
        var toSend = Triage(notification, claimed, atLimit, write, out var failing, out var handBack);
        var sending = SendAllAsync(toSend, PayloadFor, RequestFor, notification.ExpiresAt, results.Writer);

        // Outcomes are recorded while the rest are still being sent: every RecordEvery results, or when none
        // has come for a while (a slow push service), so little is unrecorded at any moment.
        var retries = new List<(Guid Id, TimeSpan Delay)>();
        var reader = results.Reader;
        while (true)
        {
            var more = reader.WaitToReadAsync(CancellationToken.None).AsTask();
            if (!more.IsCompleted && write.Entries.Count + retries.Count + handBack.Count > 0 && await Task.WhenAny(more, Task.Delay(RecordIdleAfter)) != more)
                write = await RecordAsync(ledger, notification, batch, token, leaseUntil, write, retries, handBack, last: false);
            if (!await more) break;
            while (reader.TryRead(out var result))
            {
                Tally(result, batch, write, failing, retries, handBack);
                if (write.Entries.Count + retries.Count + handBack.Count >= RecordEvery)
                    write = await RecordAsync(ledger, notification, batch, token, leaseUntil, write, retries, handBack, last: false);
            }
        }
        await sending;
        await RecordAsync(ledger, notification, batch, token, leaseUntil, write, retries, handBack, last: true);
    }

    /// <summary>Sorts the claimed readers: outcomes known without a push go straight into the write.</summary>
    /// <param name="atLimit">Readers already sent their daily limit of articles (see <see cref="DailyLimit"/>).</param>
    private List<PushRecipient> Triage(
        Notification notification, IReadOnlyList<ClaimedReader> claimed, HashSet<Guid> atLimit, LedgerWrite write, out HashSet<Guid> failing, out List<Guid> handBack)
    {
        var now = Now;
        var expiresAt = notification.ExpiresAt;
        failing = [];
        handBack = [];
        var toSend = new List<PushRecipient>(claimed.Count);
        foreach (var reader in claimed)
        {
            if (reader.Recipient is not { } recipient)
                write.Entries.Add(new(reader.SubscriptionId, DeliveryOutcome.Gone)); // unsubscribed after planning
            else if (now >= expiresAt)
                write.Entries.Add(new(reader.SubscriptionId, DeliveryOutcome.Expired));
            else if (drain.Stopping.IsCancellationRequested)
                handBack.Add(reader.SubscriptionId);
            // Quiet hours hold articles (not breaking alerts or digests) until they end.
            else if (notification.Kind == NotificationKind.Article && QuietHours.EndIfQuiet(reader.QuietFrom, reader.QuietTo, reader.TimeZone ?? "UTC", now) is { } until)
                write.Entries.Add(new(reader.SubscriptionId, DeliveryOutcome.Held, until, HeldBy: HoldReason.QuietHours));
            // Past the reader's daily limit, articles wait for the end of their day and go out folded.
            else if (atLimit.Contains(reader.SubscriptionId))
                write.Entries.Add(new(reader.SubscriptionId, DeliveryOutcome.Held, DailyLimit.HeldUntil(reader.QuietFrom, reader.QuietTo, reader.TimeZone ?? "UTC", now), HeldBy: HoldReason.DailyLimit));
            else
            {
                toSend.Add(recipient);
                if (reader.ConsecutiveFailures > 0) failing.Add(reader.SubscriptionId);
            }
        }
        return toSend;
    }

    private async Task SendAllAsync(
        List<PushRecipient> toSend, Func<Guid, byte[]> payloadFor, Func<Guid, PushRequestOptions> requestFor, DateTime expiresAt, ChannelWriter<PushAttemptResult> results)
    {
        try
        {
            if (toSend.Count > 0) await dispatcher.SendAsync(toSend, payloadFor, requestFor, expiresAt, results, drain.Stopping, drain.Abandon);
        }
        finally
        {
            results.Complete();
        }
    }

    private void Tally(PushAttemptResult result, DeliverNotificationBatch batch, LedgerWrite write, HashSet<Guid> failing, List<(Guid Id, TimeSpan Delay)> retries, List<Guid> handBack)
    {
        switch (result.Verdict)
        {
            case PushVerdict.Sent:
                write.Entries.Add(new(result.SubscriptionId, DeliveryOutcome.Sent, null, result.AnsweredAt, result.Host));
                if (failing.Contains(result.SubscriptionId)) write.Recovered.Add(result.SubscriptionId);
                break;
            case PushVerdict.Gone:
                write.Entries.Add(new(result.SubscriptionId, DeliveryOutcome.Gone, null, result.AnsweredAt, result.Host));
                write.Gone.Add(result.SubscriptionId);
                break;
            case PushVerdict.Rejected:
                write.Entries.Add(new(result.SubscriptionId, DeliveryOutcome.Failed, null, result.AnsweredAt, result.Host));
                if (result.AgainstReader) write.Rejected.Add(result.SubscriptionId);
                logger.LogDebug("Push to subscription {SubscriptionId} refused ({Status}): {Reason}", result.SubscriptionId, result.StatusCode, result.Reason);
                break;
            case PushVerdict.Retry:
                retries.Add((result.SubscriptionId, RetryDelay(result.RetryAfter, batch.Attempt)));
                break;
            case PushVerdict.NotAttempted:
                handBack.Add(result.SubscriptionId);
                break;
        }
    }

    /// <summary>Records what has been gathered (with its retry batches) and returns an empty write for what comes next.</summary>
    private async Task<LedgerWrite> RecordAsync(
        DeliveryLedger ledger, Notification notification, DeliverNotificationBatch batch, Guid token, DateTime leaseUntil, LedgerWrite write,
        List<(Guid Id, TimeSpan Delay)> retries, List<Guid> handBack, bool last)
    {
        ScheduleRetries(notification, batch, retries, handBack, write);
        retries.Clear();
        handBack.Clear();
        if (last) write.FinishedOutboxId = batch.OutboxId;
        var tally = await RecordDurablyAsync(ledger, batch.NotificationId, token, leaseUntil, write);
        if (tally is { AllFinished: true }) await completion.CompleteIfFinishedAsync(batch.NotificationId, CancellationToken.None);
        return new LedgerWrite();
    }

    /// <summary>
    /// Retries are grouped into batches by when they are due; one that would be due after the TTL is
    /// expired now. Pushes handed back by a stopping worker are due at once.
    /// </summary>
    private void ScheduleRetries(Notification notification, DeliverNotificationBatch batch, List<(Guid Id, TimeSpan Delay)> retries, List<Guid> handBack, LedgerWrite write)
    {
        var now = Now;
        var groups = retries.GroupBy(r => (long)Math.Ceiling(r.Delay.TotalSeconds))
            .Select(g => (Due: now.AddSeconds(g.Key), Ids: g.Select(r => r.Id).ToList()))
            .Append((Due: now, Ids: handBack));
        foreach (var (due, ids) in groups)
        {
            if (ids.Count == 0) continue;
            if (due >= notification.ExpiresAt)
            {
                write.Entries.AddRange(ids.Select(id => new LedgerEntry(id, DeliveryOutcome.Expired)));
                continue;
            }
            write.Entries.AddRange(ids.Select(id => new LedgerEntry(id, DeliveryOutcome.Retrying)));
            var retry = batch with { SubscriptionIds = ids, Attempt = batch.Attempt + 1 };
            write.Outbox.Add(OutboxMessages.Batch(retry, now, due));
            RetriesScheduled.Inc(ids.Count);
        }
        if (handBack.Count > 0)
            logger.LogInformation("Stopping: handed {Count} pushes of notification {NotificationId} back to the outbox", handBack.Count, batch.NotificationId);
    }

    /// <summary>Exponential back-off from the batch's attempt, with jitter; a longer Retry-After wins.</summary>
    private TimeSpan RetryDelay(TimeSpan? retryAfter, int attempt)
    {
        var settings = options.Value;
        var backoff = settings.RetryBaseDelay * Math.Pow(2, Math.Min(attempt - 1, 20));
        if (backoff > settings.MaxRetryDelay) backoff = settings.MaxRetryDelay;
        backoff *= 1 + Random.Shared.NextDouble() * 0.2;
        return retryAfter is { } asked && asked > backoff ? asked : backoff;
    }

    /// <summary>
    /// Readers of this batch that another worker holds: when its lease ends, this batch's readers are
    /// looked at again (a retry batch of the same attempt), in case that worker died.
    /// </summary>
    private async Task RecheckWhenLeasesEndAsync(DeliveryLedger ledger, DeliverNotificationBatch batch, Guid token, LedgerWrite write, CancellationToken cancellationToken)
    {
        var held = await ledger.HeldElsewhereAsync(batch.NotificationId, batch.SubscriptionIds, token, cancellationToken);
        if (held.Count == 0) return;
        var recheck = batch with { SubscriptionIds = held.Select(h => h.SubscriptionId).ToList() };
        write.Outbox.Add(OutboxMessages.Batch(recheck, Now, held.Max(h => h.LeaseUntil).AddSeconds(1)));
        logger.LogInformation("{Count} readers of notification {NotificationId} batch {Batch} are held by another worker; looking again when its lease ends",
            held.Count, batch.NotificationId, batch.BatchNumber);
    }

    /// <summary>
    /// Outcomes are in memory only: keep trying through a store outage rather than lose them (and push
    /// those readers again), until shortly before the claims' lease ends and another worker may take them.
    /// </summary>
    private async Task<NotificationTally?> RecordDurablyAsync(DeliveryLedger ledger, Guid notificationId, Guid token, DateTime leaseUntil, LedgerWrite write)
    {
        if (write.IsEmpty) return null;
        var settings = options.Value;
        var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, settings.ClaimLease.Ticks / 4));
        var giveUpAt = DateTime.UtcNow + (leaseUntil - Now) - margin; // in real time: the service's clock may be held still in tests
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ledger.RecordAsync(notificationId, token, write, Now, settings.MaxConsecutiveFailures, CancellationToken.None);
            }
            catch (Exception e) when (DateTime.UtcNow < giveUpAt)
            {
                if (attempt == 1) logger.LogWarning("Recording outcomes of notification {NotificationId} failed ({Message}); retrying", notificationId, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)));
            }
        }
    }
}
