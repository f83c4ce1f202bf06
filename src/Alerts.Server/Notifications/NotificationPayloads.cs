using Alerts.Delivery;

namespace Alerts.Notifications;

public static class NotificationPayloads
{
    public static PushPayload For(Notification notification, PushOptions options) => new(
        Id: notification.Id.ToString(),
        Kind: notification.Kind.ToString().ToLowerInvariant(),
        Title: notification.Title,
        Body: notification.Body,
        Url: notification.Url,
        Icon: options.IconUrl,
        Image: notification.ImageUrl,
        Tag: notification.Id.ToString(),
        Timestamp: new DateTimeOffset(DateTime.SpecifyKind(notification.CreatedAt, DateTimeKind.Utc)).ToUnixTimeMilliseconds(),
        // Room for the reader's own click token, which every push carries: what fits with it fits with any.
        ClickToken: ClickTokens.Placeholder);
}
