namespace Alerts.Contracts;

/// <summary>
/// One slice of a notification's audience. Any worker may take it (competing consumers);
/// deliveries already recorded for the notification are skipped, so a redelivered batch pushes nobody twice.
/// </summary>
public sealed record DeliverNotificationBatch(Guid NotificationId, int BatchNumber, IReadOnlyList<Guid> SubscriptionIds);
