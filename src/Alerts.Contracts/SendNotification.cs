namespace Alerts.Contracts;

/// <summary>A recorded notification is ready to be split into batches and sent to its audience.</summary>
public sealed record SendNotification(Guid NotificationId);
