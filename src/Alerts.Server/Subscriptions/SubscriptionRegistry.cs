using Alerts.Storage;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Subscriptions;

public enum SubscribeOutcome { Created, Refreshed, KeysNeedToken }

public sealed record SubscribeResult(SubscribeOutcome Outcome, Subscription Subscription, string? Token);

/// <summary>Creates and updates subscriptions; one endpoint is one subscription.</summary>
public sealed class SubscriptionRegistry(AlertsDbContext db, TimeProvider time)
{
    /// <summary>
    /// Registers the endpoint, or refreshes the subscription that has it, with a new token each time
    /// (the previous one keeps working). The same keys are enough to refresh it; other keys replace the
    /// old ones only with the subscription's token: otherwise whoever learnt an endpoint could redirect its pushes.
    /// </summary>
    public async Task<SubscribeResult> SubscribeAsync(
        PushTarget target, SubscriptionPreferences preferences, string? presentedToken, CancellationToken cancellationToken)
    {
        var endpointHash = SubscriptionTokens.Hash(target.Endpoint);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await db.Subscriptions.Include(s => s.Sections)
                .FirstOrDefaultAsync(s => s.EndpointHash == endpointHash, cancellationToken);
            var holdsToken = existing is not null && SubscriptionTokens.Opens(presentedToken, existing);
            var sameKeys = existing is not null &&
                           CanonicalPushTarget.Key(existing.P256dh) == target.P256dh && CanonicalPushTarget.Key(existing.Auth) == target.Auth;
            if (existing is not null && !sameKeys && !holdsToken) return new SubscribeResult(SubscribeOutcome.KeysNeedToken, existing, null);

            var now = time.GetUtcNow().UtcDateTime;
            var token = SubscriptionTokens.NewToken();
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
            subscription.PreviousTokenHash = existing?.TokenHash;
            subscription.TokenHash = SubscriptionTokens.Hash(token);
            subscription.P256dh = target.P256dh;
            subscription.Auth = target.Auth;
            subscription.ConsecutiveFailures = 0;
            Apply(subscription, preferences, now);
            if (existing is null) db.Subscriptions.Add(subscription);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return new SubscribeResult(existing is null ? SubscribeOutcome.Created : SubscribeOutcome.Refreshed, subscription, token);
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

    /// <summary>
    /// Erases a reader: the subscription (endpoint, keys, token hashes, preferences), its sections and
    /// its digests. What remains is anonymous: delivery rows under an id nothing else points to, which
    /// make the sent/clicked counts, and hourly click totals.
    /// </summary>
    public async Task EraseAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var id = subscription.Id;
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var digests = db.Digests.Where(d => d.SubscriptionId == id);
            await db.DigestStories.Where(s => digests.Any(d => d.Id == s.DigestId)).ExecuteDeleteAsync(ct);
            await digests.ExecuteDeleteAsync(ct);
            await db.SubscriptionSections.Where(s => s.SubscriptionId == id).ExecuteDeleteAsync(ct);
            await db.Subscriptions.Where(s => s.Id == id).ExecuteDeleteAsync(ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
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
        subscription.MaxPerDay = preferences.MaxPerDay;
        subscription.UpdatedAt = now;
        if (scheduleChanged || subscription.NextDigestAt is null)
            subscription.NextDigestAt = Digests.DigestSchedule.NextDue(subscription, now);
    }
}
