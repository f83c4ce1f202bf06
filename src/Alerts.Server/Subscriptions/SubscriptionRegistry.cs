using Alerts.Storage;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Subscriptions;

/// <summary>Creates and updates subscriptions; one endpoint is one subscription.</summary>
public sealed class SubscriptionRegistry(AlertsDbContext db, TimeProvider time)
{
    /// <summary>Registers the endpoint, or updates the existing subscription for it with a new token.</summary>
    public async Task<(Subscription Subscription, string Token, bool Created)> SubscribeAsync(
        PushTarget target, SubscriptionPreferences preferences, CancellationToken cancellationToken)
    {
        var endpointHash = SubscriptionTokens.Hash(target.Endpoint);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await db.Subscriptions.Include(s => s.Sections)
                .FirstOrDefaultAsync(s => s.EndpointHash == endpointHash, cancellationToken);
            var token = SubscriptionTokens.NewToken();
            var now = time.GetUtcNow().UtcDateTime;
            var subscription = existing ?? new Subscription
            {
                Id = Guid.CreateVersion7(),
                Endpoint = target.Endpoint,
                EndpointHash = endpointHash,
                P256dh = target.P256dh,
                Auth = target.Auth,
                TokenHash = "",
                TimeZone = preferences.TimeZone,
                CreatedAt = now,
            };
            subscription.P256dh = target.P256dh;
            subscription.Auth = target.Auth;
            subscription.TokenHash = SubscriptionTokens.Hash(token);
            subscription.ConsecutiveFailures = 0;
            Apply(subscription, preferences, now);
            if (existing is null) db.Subscriptions.Add(subscription);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return (subscription, token, existing is null);
            }
            catch (DbUpdateException e) when (attempt == 1 && db.IsUniqueViolation(e))
            {
                // The same browser subscribed twice at once: the other request created it, so update that one.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>Replaces preferences (and the push target when given). Null when the new endpoint belongs to another subscription.</summary>
    public async Task<Subscription?> UpdateAsync(
        Subscription subscription, PushTarget? target, SubscriptionPreferences preferences, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (target is not null)
        {
            var endpointHash = SubscriptionTokens.Hash(target.Endpoint);
            if (endpointHash != subscription.EndpointHash &&
                await db.Subscriptions.AnyAsync(s => s.EndpointHash == endpointHash, cancellationToken))
                return null;
            subscription.Endpoint = target.Endpoint;
            subscription.EndpointHash = endpointHash;
            subscription.P256dh = target.P256dh;
            subscription.Auth = target.Auth;
            subscription.ConsecutiveFailures = 0;
        }
        Apply(subscription, preferences, now);
        await db.SaveChangesAsync(cancellationToken);
        return subscription;
    }

    private static void Apply(Subscription subscription, SubscriptionPreferences preferences, DateTime now)
    {
        var wanted = preferences.Sections.ToHashSet(StringComparer.Ordinal);
        subscription.Sections.RemoveAll(s => !wanted.Contains(s.SectionId));
        foreach (var id in preferences.Sections.Where(id => subscription.Sections.All(s => s.SectionId != id)))
            subscription.Sections.Add(new SubscriptionSection { SubscriptionId = subscription.Id, SectionId = id });

        var scheduleChanged = subscription.Mode != preferences.Mode || subscription.DigestFrequency != preferences.Frequency ||
                              subscription.DigestAt != preferences.DigestAt || subscription.TimeZone != preferences.TimeZone;
        subscription.Mode = preferences.Mode;
        subscription.DigestFrequency = preferences.Frequency;
        subscription.DigestAt = preferences.DigestAt;
        subscription.QuietFrom = preferences.QuietFrom;
        subscription.QuietTo = preferences.QuietTo;
        subscription.TimeZone = preferences.TimeZone;
        subscription.Paused = preferences.Paused;
        subscription.UpdatedAt = now;
        if (scheduleChanged || subscription.NextDigestAt is null)
            subscription.NextDigestAt = Digests.DigestSchedule.NextDue(subscription, now);
    }
}
