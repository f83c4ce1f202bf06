using Alerts.Outbox;
using Alerts.Storage;

namespace Alerts.Notifications;

/// <summary>
/// The one way into delivery. Every producer (the CMS's article event or webhook, an editor's alert, a
/// scheduled alert, a digest, a quiet-hours release) adds its notification here, and with it an outbox
/// row that asks for the fan-out at <see cref="Notification.SendAt"/> or now. Both are saved by the
/// caller's SaveChanges, in its transaction: the notification is sent if and only if it was stored.
/// </summary>
public static class NotificationIntake
{
    public static void Add(AlertsDbContext db, Notification notification)
    {
        db.Notifications.Add(notification);
        db.OutboxMessages.Add(OutboxMessages.Plan(notification.Id, notification.CreatedAt, notification.DueAt));
        // A headline test asks for the planner again when it is to be decided: it then plans the winner.
        if (notification.DecideAt is { } decideAt)
            db.OutboxMessages.Add(OutboxMessages.Plan(notification.Id, notification.CreatedAt, decideAt));
    }
}
