namespace Alerts.Contracts;

/// <summary>
/// One slice of a notification's audience. Any worker may take it (competing consumers). A worker claims
/// each (notification, subscription) in the store before pushing, so a redelivered batch pushes nobody
/// twice. <see cref="Attempt"/> is 1 for the planned batch and counts up for retries of its pushes.
/// </summary>
public sealed record DeliverNotificationBatch(Guid NotificationId, int BatchNumber, IReadOnlyList<Guid> SubscriptionIds)
{
    public int Attempt { get; init; } = 1;

    /// <summary>For a headline test: the variant (1-based) these readers are sent, recorded on their ledger rows; null otherwise.</summary>
    public int? Variant { get; init; }

    /// <summary>The outbox row this message came from; the worker removes it when the batch is finished.</summary>
    public long? OutboxId { get; init; }
}
