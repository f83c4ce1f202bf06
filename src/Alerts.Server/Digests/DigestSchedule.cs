using Alerts.Subscriptions;

namespace Alerts.Digests;

/// <summary>When a digest subscriber's next digest is due.</summary>
public static class DigestSchedule
{
    /// <summary>The next due time (UTC) strictly after <paramref name="afterUtc"/>; null for instant subscribers.</summary>
    public static DateTime? NextDue(Subscription subscription, DateTime afterUtc)
    {
        if (subscription.Mode != DeliveryMode.Digest) return null;
        // Filled in with the digest scheduler; until then digests are not scheduled.
        return null;
    }
}
