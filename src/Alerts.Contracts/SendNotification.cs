namespace Alerts.Contracts;

/// <summary>
/// A recorded notification is due: split its audience into batches. Planning resumes where an earlier
/// attempt stopped, so the message may arrive more than once.
/// </summary>
public sealed record SendNotification(Guid NotificationId)
{
    /// <summary>The outbox row this message came from; the planner removes it when planning is complete.</summary>
    public long? OutboxId { get; init; }
}
