using System.Data.Common;
using Alerts.Contracts;
using Alerts.Notifications;
using Alerts.Outbox;
using Alerts.Storage;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Delivery.Ledger;

/// <summary>A claimed reader; <see cref="Recipient"/> is null when the subscription was deleted after planning.</summary>
public sealed record ClaimedReader(
    Guid SubscriptionId, PushRecipient? Recipient, TimeOnly? QuietFrom, TimeOnly? QuietTo, string? TimeZone, int ConsecutiveFailures, int? MaxPerDay = null);

/// <param name="AnsweredAt">When the push service answered (Sent, Gone, Failed after an answer); null otherwise.</param>
/// <param name="Host">The push service host of the reader's endpoint, for per-service statistics.</param>
/// <param name="HeldBy">Why a Held push waits.</param>
public sealed record LedgerEntry(
    Guid SubscriptionId, DeliveryOutcome Outcome, DateTime? HeldUntil = null, DateTime? AnsweredAt = null, string? Host = null, HoldReason? HeldBy = null);

/// <summary>Everything one step of a batch writes, in one round trip on PostgreSQL and one transaction everywhere.</summary>
public sealed class LedgerWrite
{
    /// <summary>Outcomes for claimed rows (final ones, or Retrying when a retry batch is added to <see cref="Outbox"/>).</summary>
    public List<LedgerEntry> Entries { get; } = [];
    /// <summary>Subscriptions the push service says are gone: deleted.</summary>
    public List<Guid> Gone { get; } = [];
    /// <summary>Subscriptions refused for their own fault: counted, and removed after too many in a row.</summary>
    public List<Guid> Rejected { get; } = [];
    /// <summary>Subscriptions that were failing and now received a push: their count starts again.</summary>
    public List<Guid> Recovered { get; } = [];
    /// <summary>Retry batches, each due at its own time.</summary>
    public List<OutboxMessage> Outbox { get; } = [];
    /// <summary>The outbox row of a batch whose work is now complete.</summary>
    public long? FinishedOutboxId { get; set; }

    public bool IsEmpty => Entries.Count == 0 && Outbox.Count == 0 && FinishedOutboxId is null;
}

/// <summary>The notification's counters after a write.</summary>
public sealed record NotificationTally(bool Planned, NotificationStatus Status, int Targeted, int Finished)
{
    public bool AllFinished => Planned && Status == NotificationStatus.Sending && Finished >= Targeted;
}

/// <summary>
/// The delivery ledger's two statements: claim before sending, record after. A claim inserts the batch's
/// (notification, subscription) rows, or takes over rows that wait for a retry of this attempt or whose
/// lease ran out, in one statement that returns only what this worker now holds. Outcomes are written
/// only under the claim's token, and the notification's counters move by what was actually written, so
/// a reader is counted once however often a batch runs. Written in each store's SQL: EF Core cannot
/// express "insert … on conflict … returning".
/// </summary>
public abstract class DeliveryLedger(AlertsDbContext db)
{
    protected AlertsDbContext Db { get; } = db;

    public abstract Task<IReadOnlyList<ClaimedReader>> ClaimAsync(
        Notification notification, DeliverNotificationBatch batch, Guid token, DateTime now, DateTime leaseUntil, CancellationToken cancellationToken);

    /// <summary>Rows of the batch that another worker holds under a lease that has not ended yet.</summary>
    public abstract Task<IReadOnlyList<(Guid SubscriptionId, DateTime LeaseUntil)>> HeldElsewhereAsync(
        Guid notificationId, IReadOnlyList<Guid> subscriptionIds, Guid token, CancellationToken cancellationToken);

    public abstract Task<NotificationTally?> RecordAsync(
        Guid notificationId, Guid token, LedgerWrite write, DateTime now, int removeAfterFailures, CancellationToken cancellationToken);

    public static DeliveryLedger For(AlertsDbContext db) =>
        db.IsPostgres ? new PostgresDeliveryLedger(db) : new SqliteDeliveryLedger(db);

    protected async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await Db.Database.OpenConnectionAsync(cancellationToken);
        return Db.Database.GetDbConnection();
    }

    protected Task CloseAsync() => Db.Database.CloseConnectionAsync();

    protected static PushRecipient? RecipientOf(DbDataReader reader, Guid id) =>
        reader.IsDBNull(1) ? null : new PushRecipient(id, reader.GetString(1), reader.GetString(2), reader.GetString(3));

    protected static ClaimedReader ReadClaimed(DbDataReader reader, Guid id) => new(
        id, RecipientOf(reader, id),
        reader.IsDBNull(4) ? null : reader.GetFieldValue<TimeOnly>(4),
        reader.IsDBNull(5) ? null : reader.GetFieldValue<TimeOnly>(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? 0 : reader.GetInt32(7),
        reader.IsDBNull(8) ? null : reader.GetInt32(8));

    protected const string SubscriptionColumns =
        """s."Endpoint", s."P256dh", s."Auth", s."QuietFrom", s."QuietTo", s."TimeZone", s."ConsecutiveFailures", s."MaxPerDay" """;

    /// <summary>Insert the claims, or take over rows waiting for this attempt or left by a worker whose lease ended.</summary>
    protected const string ClaimConflict = """
        ON CONFLICT ("NotificationId", "SubscriptionId") DO UPDATE SET
          "Outcome" = 'Claimed', "ClaimToken" = excluded."ClaimToken", "LeaseUntil" = excluded."LeaseUntil",
          "Attempts" = excluded."Attempts", "At" = excluded."At"
        WHERE (deliveries."Outcome" = 'Retrying' AND deliveries."Attempts" < excluded."Attempts")
           OR (deliveries."Outcome" = 'Claimed' AND deliveries."LeaseUntil" < excluded."At")
        """;

    protected const string InsertClaimColumns =
        """INSERT INTO deliveries ("NotificationId", "SubscriptionId", "Outcome", "ArticleId", "At", "ClaimToken", "LeaseUntil", "Attempts", "Variant")""";

    protected const string OnlyWhileSending = """EXISTS (SELECT 1 FROM notifications WHERE "Id" = @n AND "Status" = 'Sending')""";

    protected const string InsertOutbox =
        """INSERT INTO outbox_messages ("Kind", "NotificationId", "Body", "CreatedAt", "AvailableAt", "Publications", "TraceParent") VALUES (@kind, @n, @body, @created, @available, 0, @trace)""";
}
