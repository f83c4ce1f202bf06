using System.Linq.Expressions;
using Alerts.Notifications;
using Alerts.Subscriptions;

namespace Alerts.Delivery;

/// <summary>Who a notification reaches. The same expression filters the store and, in tests, plain lists.</summary>
public static class Audience
{
    /// <summary>
    /// Articles reach instant subscribers with at least one of their sections; breaking alerts also reach
    /// digest subscribers (they skip digests); null sections means everyone. Paused subscriptions get nothing.
    /// A section the reader muted (until after <paramref name="now"/>) does not count as theirs: a reader
    /// whose only matching sections are muted is not reached. An alert to everyone has no section to mute
    /// and reaches muted readers too.
    /// </summary>
    public static Expression<Func<Subscription, bool>> For(NotificationKind kind, IReadOnlyList<string>? sections, DateTime now)
    {
        var breaking = kind == NotificationKind.Breaking;
        if (sections is null)
            return s => !s.Paused && (breaking || s.Mode == DeliveryMode.Instant);
        var wanted = sections.ToList();
        return s => !s.Paused && (breaking || s.Mode == DeliveryMode.Instant) &&
                    s.Sections.Any(x => wanted.Contains(x.SectionId) && !s.Mutes.Any(m => m.SectionId == x.SectionId && m.Until > now));
    }
}
