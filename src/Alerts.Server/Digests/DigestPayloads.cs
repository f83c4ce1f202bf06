using Alerts.Delivery;
using Alerts.Notifications;
using Alerts.Storage;
using Alerts.WebPush;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Alerts.Digests;

/// <summary>One reader's own push in a digest notification: the payload (fitted, with room for the click token) and its request options.</summary>
public sealed record PersonalPush(PushPayload Payload, PushRequestOptions Request);

/// <summary>
/// Delivery's one look into digests: a scheduled-digest notification carries many readers, each with
/// their own title, body, link to their /digest/{id} page, image and topic in their digest row. For the
/// readers a worker has claimed, this reads those rows in one query and builds each reader's push.
/// </summary>
public sealed class DigestPayloads(AlertsDbContext db, IOptions<PushOptions> options, Sections.SectionCatalog sections)
{
    /// <summary>
    /// Each claimed reader's own push, by subscription id; null when <paramref name="notification"/> is
    /// not a digest notification with per-reader content (then every reader gets the notification's push).
    /// A reader missing from the result gets the notification's push.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, PersonalPush>?> ForReadersAsync(
        Notification notification, IReadOnlyList<Guid> subscriptionIds, CancellationToken cancellationToken)
    {
        if (notification.Kind != NotificationKind.Digest || subscriptionIds.Count == 0) return null;
        var ids = subscriptionIds.ToList();
        var rows = await db.Digests.AsNoTracking()
            .Where(d => d.NotificationId == notification.Id && ids.Contains(d.SubscriptionId) && d.Title != null)
            .Select(d => new { d.SubscriptionId, d.Title, d.Body, d.Url, d.ImageUrl, d.Topic })
            .ToListAsync(cancellationToken);
        if (rows.Count == 0) return null;
        var template = NotificationPayloads.For(notification, options.Value, sections);
        var request = new PushRequestOptions(notification.TtlSeconds, notification.Urgency, notification.Topic);
        return rows.ToDictionary(r => r.SubscriptionId, r => new PersonalPush(
            PushPayloadBuilder.Fit(template with { Title = r.Title!, Body = r.Body ?? "", Url = r.Url ?? notification.Url, Image = r.ImageUrl }),
            request with { Topic = r.Topic ?? notification.Topic }));
    }
}
