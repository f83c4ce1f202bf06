using Alerts.Delivery.Ledger;
using Alerts.Notifications;
using Alerts.Storage;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Delivery;

/// <summary>
/// A reader's daily limit on article pushes (<c>maxPerDay</c>), counted over their own local day.
/// Past it, articles are held until the end of that day (or of the quiet hours it falls in) and the
/// release folds them into one "N more stories" notification. Breaking alerts, digests, corrections
/// and releases neither count nor wait.
/// </summary>
public static class DailyLimit
{
    /// <summary>Local midnight that began the reader's current day, as UTC.</summary>
    public static DateTime StartOfDay(string timeZone, DateTime nowUtc)
    {
        var (zone, local) = QuietHours.ToLocal(timeZone, nowUtc);
        return QuietHours.LocalToUtc(local.Date, zone);
    }

    /// <summary>
    /// When an article held past the limit goes out: the next local midnight (UTC), or the end of the
    /// quiet hours when that midnight falls inside them (so the release does not wake the reader).
    /// </summary>
    public static DateTime HeldUntil(TimeOnly? quietFrom, TimeOnly? quietTo, string timeZone, DateTime nowUtc)
    {
        var (zone, local) = QuietHours.ToLocal(timeZone, nowUtc);
        var endOfDay = QuietHours.LocalToUtc(local.Date.AddDays(1), zone);
        return QuietHours.EndIfQuiet(quietFrom, quietTo, timeZone, endOfDay) ?? endOfDay;
    }

    /// <summary>Whether the limit applies to this notification at all: articles from the CMS, not releases or alerts.</summary>
    public static bool Applies(Notification notification) =>
        notification.Kind == NotificationKind.Article && notification.ArticleId is not null;

    /// <summary>
    /// The readers of a batch who have already been sent their limit of articles today. One query, and
    /// only when the batch has readers with a limit: a batch without any costs nothing.
    /// </summary>
    public static async Task<HashSet<Guid>> ReachedAsync(
        AlertsDbContext db, Notification notification, IReadOnlyList<ClaimedReader> claimed, DateTime nowUtc, CancellationToken cancellationToken)
    {
        if (!Applies(notification)) return [];
        var capped = claimed.Where(c => c.MaxPerDay is not null && c.Recipient is not null)
            .ToDictionary(c => c.SubscriptionId, c => (Limit: c.MaxPerDay!.Value, Since: StartOfDay(c.TimeZone ?? "UTC", nowUtc)));
        if (capped.Count == 0) return [];

        var ids = capped.Keys.ToList();
        var since = capped.Values.Min(c => c.Since);
        var current = notification.Id;
        // Pushes sent or on their way (a claim or a retry counts: it goes out unless the TTL runs out).
        var pushed = await db.Deliveries.AsNoTracking()
            .Where(d => ids.Contains(d.SubscriptionId) && d.ArticleId != null && d.At >= since && d.NotificationId != current &&
                        (d.Outcome == DeliveryOutcome.Sent || d.Outcome == DeliveryOutcome.Claimed || d.Outcome == DeliveryOutcome.Retrying))
            .Join(db.Notifications.Where(n => n.Kind == NotificationKind.Article), d => d.NotificationId, n => n.Id, (d, n) => new { d.SubscriptionId, d.At })
            .ToListAsync(cancellationToken);

        var reached = new HashSet<Guid>();
        foreach (var group in pushed.GroupBy(p => p.SubscriptionId))
        {
            var (limit, start) = capped[group.Key];
            if (group.Count(p => p.At >= start) >= limit) reached.Add(group.Key);
        }
        return reached;
    }
}
