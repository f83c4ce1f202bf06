using Alerts.Delivery;
using Alerts.Sections;

namespace Alerts.Notifications;

public static class NotificationPayloads
{
    /// <summary>Written before a correction's title for readers who clicked the original (they are alerted again).</summary>
    public const string CorrectionPrefix = "Correction: ";

    public static PushPayload For(Notification notification, PushOptions options, SectionCatalog sections) => new(
        Id: notification.Id.ToString(),
        Kind: notification.Kind.ToString().ToLowerInvariant(),
        Title: notification.Title,
        Body: notification.Body,
        Url: notification.Url,
        Icon: options.IconUrl,
        Image: notification.ImageUrl,
        // A correction carries its original's tag, so the browser replaces that notification in place.
        Tag: (notification.CorrectsId ?? notification.Id).ToString(),
        Timestamp: new DateTimeOffset(DateTime.SpecifyKind(notification.CreatedAt, DateTimeKind.Utc)).ToUnixTimeMilliseconds(),
        CorrectsId: notification.CorrectsId?.ToString(),
        // Quiet by default; readers who clicked the original get ForClickedReaders.
        Renotify: notification.CorrectsId is null ? null : false,
        Actions: PushActions.For(notification, sections),
        // Room for the reader's own click token, which every push carries: what fits with it fits with any.
        ClickToken: ClickTokens.Placeholder);

    /// <summary>A correction as readers who clicked the original get it: alerted again, the title saying what it is.</summary>
    public static PushPayload ForClickedReaders(PushPayload correction) => correction with
    {
        Title = correction.Title.StartsWith("Correction", StringComparison.OrdinalIgnoreCase) ? correction.Title : CorrectionPrefix + correction.Title,
        Renotify = true,
    };
}
