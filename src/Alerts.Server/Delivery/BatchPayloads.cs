using Alerts.Delivery.Ledger;
using Alerts.Notifications;
using Alerts.Sections;
using Alerts.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Alerts.Delivery;

/// <summary>
/// A batch's pushes, as at most four templates each serialised once: plain or declarative (readers on a
/// push service in Alerts:Push:DeclarativePushHosts) × quiet or "clicked" (a correction's readers who
/// clicked the original, or got it in a quiet-hours release: a notification of its own, which the
/// correction's tag cannot replace, so it must announce itself). Which one a reader gets is decided from what the batch already holds (the
/// claimed endpoint) and one query per batch for a correction; a push is then two copies and its click token.
/// A headline test's batch carries one variant, whose title and body every template of the batch shows.
/// </summary>
public sealed class BatchPayloads(AlertsDbContext db, IOptions<PushOptions> options, SectionCatalog sections)
{
    public async Task<BatchPushes> ForBatchAsync(Notification notification, int? variant, IReadOnlyList<ClaimedReader> claimed, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var declarative = claimed.Where(c => c.Recipient is { } r && settings.IsDeclarative(r.Endpoint)).Select(c => c.SubscriptionId).ToHashSet();
        HashSet<Guid> clicked = [];
        if (notification.CorrectsId is { } original)
        {
            var ids = claimed.Select(c => c.SubscriptionId).ToList();
            clicked = (await db.Deliveries.AsNoTracking()
                .Where(d => d.NotificationId == original && ids.Contains(d.SubscriptionId) && (d.ClickedAt != null || d.Outcome == DeliveryOutcome.Released))
                .Select(d => d.SubscriptionId).ToListAsync(cancellationToken)).ToHashSet();
        }
        var payload = NotificationPayloads.For(notification, settings, sections);
        // Variant 1 is the notification's own title and body; only another one is looked up.
        if (variant is { } number and not 1)
        {
            var headline = await db.HeadlineVariants.AsNoTracking()
                .Where(v => v.NotificationId == notification.Id && v.Number == number).Select(v => new { v.Title, v.Body })
                .FirstOrDefaultAsync(cancellationToken);
            if (headline is not null) payload = payload with { Title = headline.Title, Body = headline.Body };
        }
        return new BatchPushes(payload, declarative, clicked);
    }
}

/// <summary>The templates of one batch, built on first use.</summary>
public sealed class BatchPushes(PushPayload payload, HashSet<Guid> declarative, HashSet<Guid> clicked)
{
    private readonly PushPayloadTemplate?[] _templates = new PushPayloadTemplate?[4];

    /// <summary>The reader's push with their click token.</summary>
    public byte[] For(Guid subscriptionId, string clickToken) =>
        Template(declarative.Contains(subscriptionId), clicked.Contains(subscriptionId)).WithClickToken(clickToken);

    /// <summary>A reader's own (digest) payload, already fitted in its plain shape: serialised for this push.</summary>
    public byte[] Personal(Guid subscriptionId, PushPayload own, string clickToken)
    {
        var withToken = own with { ClickToken = clickToken };
        return declarative.Contains(subscriptionId)
            ? DeclarativePush.Serialize(DeclarativePush.Fit(withToken))
            : PushPayloadBuilder.Serialize(withToken);
    }

    private PushPayloadTemplate Template(bool isDeclarative, bool hasClicked)
    {
        var index = (isDeclarative ? 2 : 0) + (hasClicked ? 1 : 0);
        return _templates[index] ??= Build(isDeclarative, hasClicked);
    }

    private PushPayloadTemplate Build(bool isDeclarative, bool hasClicked)
    {
        var shown = hasClicked ? NotificationPayloads.ForClickedReaders(payload) : payload;
        return isDeclarative
            ? PushPayloadTemplate.For(DeclarativePush.Fit(shown), declarative: true)
            : PushPayloadTemplate.For(PushPayloadBuilder.Fit(shown));
    }
}
