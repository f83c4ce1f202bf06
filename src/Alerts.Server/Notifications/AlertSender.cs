using System.Security.Cryptography;
using System.Text;
using Alerts.Storage;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Notifications;

/// <param name="Replayed">The key was used before: this is the first alert, nothing new was stored.</param>
/// <param name="SameRequest">For a replay, whether the first request carried the same content.</param>
public sealed record AcceptedAlert(Guid Id, NotificationStatus Status, bool Replayed, bool SameRequest = true);

public enum CancelOutcome { Cancelled, AlreadyCancelled, NotFound, Finished }

/// <summary>
/// Accepts editors' alerts and cancels them. An alert is stored with its audit record and its outbox row
/// (due now, or at its sendAt) in one transaction: the 202 means durable, whether or not the bus is up.
/// </summary>
public sealed class AlertSender(AlertsDbContext db, EditorAlertValidator validator, TimeProvider time, ILogger<AlertSender> logger)
{
    public static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);

    public async Task<AcceptedAlert> AcceptAsync(EditorAlertRequest request, string keyName, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var scopedKey = idempotencyKey is null ? null : ScopeKey(keyName, idempotencyKey);
        if (scopedKey is not null)
        {
            // A key older than the window is free again: forget it on the old alert.
            await db.Notifications.Where(n => n.IdempotencyKey == scopedKey && n.CreatedAt < now - IdempotencyWindow)
                .ExecuteUpdateAsync(u => u.SetProperty(n => n.IdempotencyKey, (string?)null), cancellationToken);
            if (await ReplayAsync(scopedKey, request, cancellationToken) is { } replay) return replay;
        }

        var notification = validator.ToNotification(request, Guid.CreateVersion7(), keyName, now);
        notification.IdempotencyKey = scopedKey;
        notification.IdempotencyBodyHash = scopedKey is null ? null : IdempotencyKeys.BodyHash(request);
        var when = notification.SendAt is { } sendAt ? $"scheduled for {sendAt:yyyy-MM-dd'T'HH:mm:ss'Z'}" : "queued to send now";
        NotificationIntake.Add(db, notification);
        db.AuditLog.Add(AuditTrail.Entry(notification, AuditAction.Accepted, keyName, when, now));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Microsoft.EntityFrameworkCore.DbUpdateException e) when (scopedKey is not null && db.IsUniqueViolation(e))
        {
            // The same request arrived twice at once (a client retry); the other copy won.
            db.ChangeTracker.Clear();
            return await ReplayAsync(scopedKey, request, cancellationToken) ?? throw new InvalidOperationException("The idempotency key vanished.", e);
        }

        logger.LogInformation("Alert {NotificationId} accepted from {KeyName}, {When}", notification.Id, keyName, when);
        return new AcceptedAlert(notification.Id, notification.Status, Replayed: false);
    }

    public async Task<(CancelOutcome Outcome, NotificationStatus? Status)> CancelAsync(Guid id, string keyName, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // One conditional update: whatever a worker is doing, the alert ends Cancelled, never Done after this.
        var cancelled = await db.Notifications
            .Where(n => n.Id == id && (n.Status == NotificationStatus.Scheduled || n.Status == NotificationStatus.Queued || n.Status == NotificationStatus.Sending))
            .ExecuteUpdateAsync(u => u.SetProperty(n => n.Status, NotificationStatus.Cancelled).SetProperty(n => n.CompletedAt, now), cancellationToken);
        var notification = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        if (notification is null) return (CancelOutcome.NotFound, null);
        if (cancelled == 0)
            return notification.Status == NotificationStatus.Cancelled
                ? (CancelOutcome.AlreadyCancelled, notification.Status)
                : (CancelOutcome.Finished, notification.Status);

        db.AuditLog.Add(AuditTrail.Entry(notification, AuditAction.Cancelled, keyName, $"cancelled; so far {AuditTrail.Counts(notification)}", now));
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Notification {NotificationId} cancelled by {KeyName}", id, keyName);
        return (CancelOutcome.Cancelled, NotificationStatus.Cancelled);
    }

    private async Task<AcceptedAlert?> ReplayAsync(string scopedKey, EditorAlertRequest request, CancellationToken cancellationToken)
    {
        var first = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.IdempotencyKey == scopedKey, cancellationToken);
        if (first is null) return null;
        // The first request stored the alert with its outbox row: a replay hands nothing on again.
        // An alert stored before body hashes existed counts as the same request.
        var same = first.IdempotencyBodyHash is null || first.IdempotencyBodyHash == IdempotencyKeys.BodyHash(request);
        return new AcceptedAlert(first.Id, first.Status, Replayed: true, SameRequest: same);
    }

    /// <summary>Idempotency keys belong to the caller: two editors' keys never collide. Stored hashed, fixed length.</summary>
    private static string ScopeKey(string keyName, string idempotencyKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{keyName}\n{idempotencyKey}")));
}
