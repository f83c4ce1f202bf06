using Alerts.Notifications;
using Alerts.Sections;

namespace Alerts.Delivery;

/// <summary>
/// The buttons a push offers: "Read" always, and "Mute &lt;Section&gt; for a day" for a notification filed
/// under a section (its first). An alert to everyone has no section to mute, and a digest spans many.
/// </summary>
public static class PushActions
{
    public const string Read = "read";
    public const string Mute = "mute";
    public const int MuteHours = 24;

    /// <summary>The widest actions any notification can carry, to measure a payload before its sections are known.</summary>
    public static readonly IReadOnlyList<PushAction> Widest =
    [
        new(Read, "Read"),
        new(Mute, $"Mute {new string('x', Subscriptions.SubscriptionLimits.SectionIdLength)} for a day", new string('x', Subscriptions.SubscriptionLimits.SectionIdLength), MuteHours),
    ];

    public static IReadOnlyList<PushAction> For(Notification notification, SectionCatalog sections)
    {
        var first = notification.Kind == NotificationKind.Digest ? null : notification.SectionList?.FirstOrDefault();
        return first is null
            ? [new(Read, "Read")]
            : [new(Read, "Read"), new(Mute, $"Mute {sections.NameOf(first)} for a day", first, MuteHours)];
    }
}
