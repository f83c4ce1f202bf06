using Alerts.Delivery;
using Alerts.Notifications;
using Alerts.Storage;
using Alerts.WebPush;
using Hangfire;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Alerts.Digests;

/// <summary>
/// The recurring job that ends holds: articles held for a reader go out once their quiet hours are
/// over, or their day is (past their daily limit) — one held article as itself, several folded into one
/// "3 new stories while you were away" (or "3 more stories past your daily limit") notification that
/// opens the list on /digest/{id}. Each release is a notification for that reader
/// alone, through the same batch delivery as everything else.
/// </summary>
public sealed class HeldDeliveryReleaser(
    IServiceScopeFactory scopes, IOptions<DigestOptions> options, IOptions<PushOptions> push, PublicLinks links,
    TimeProvider time, ILogger<HeldDeliveryReleaser> logger)
{
    public const string JobId = "quiet-hours-release";

    [AutomaticRetry(Attempts = 0, LogEvents = false)]
    public async Task RunAsync(CancellationToken cancellationToken) => await RunDueAsync(cancellationToken);

    /// <summary>Releases every hold that has ended; returns how many readers were sent a release.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var released = 0;
        await DueSubscriptions.ForEachAsync(scopes,
            db => db.Deliveries.AsNoTracking()
                .Where(d => d.Outcome == DeliveryOutcome.Held && d.HeldUntil <= now)
                .Select(d => d.SubscriptionId).Distinct(),
            options.Value.MaxConcurrency,
            async (id, ct) =>
            {
                try
                {
                    if (await ReleaseAsync(id, now, ct)) Interlocked.Increment(ref released);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // One reader's failure does not hold up the others; the next run retries it.
                    logger.LogError(e, "Releasing held articles for subscription {SubscriptionId} failed", id);
                }
            },
            cancellationToken);
        if (released > 0) logger.LogInformation("Released quiet-hours holds for {Count} subscriptions", released);
        return released;
    }

    private async Task<bool> ReleaseAsync(Guid subscriptionId, DateTime now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var held = await db.Deliveries.AsNoTracking()
            .Where(d => d.SubscriptionId == subscriptionId && d.Outcome == DeliveryOutcome.Held && d.HeldUntil <= now)
            .Select(d => new { d.NotificationId, d.HeldUntil, d.HeldBy }).ToListAsync(cancellationToken);
        if (held.Count == 0) return false;
        var heldIds = held.Select(h => h.NotificationId).ToList();

        var subscription = await db.Subscriptions.AsNoTracking().Where(s => s.Id == subscriptionId)
            .Select(s => new { s.Paused }).FirstOrDefaultAsync(cancellationToken);
        if (subscription is null)
        {
            // The reader unsubscribed (or the push service said gone) while the articles waited.
            await db.Deliveries.Where(d => d.SubscriptionId == subscriptionId && heldIds.Contains(d.NotificationId) && d.Outcome == DeliveryOutcome.Held)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.Outcome, DeliveryOutcome.Gone), cancellationToken);
            return false;
        }
        if (subscription.Paused) return false; // kept until the reader resumes

        // Cancelled alerts are not released.
        var originals = await db.Notifications.AsNoTracking()
            .Where(n => heldIds.Contains(n.Id) && n.Status != NotificationStatus.Cancelled)
            .OrderByDescending(n => n.CreatedAt).ToListAsync(cancellationToken);
        var articleIds = originals.Where(n => n.ArticleId is not null).Select(n => n.ArticleId!).ToList();
        var stories = (await PersonalNotifications.StoriesAsync(db, articleIds, cancellationToken))
            .OrderByDescending(s => s.PublishedAt).ToList();
        // Newest story first, as in digests; an alert without a stored article by when it was sent.
        var publishedAt = stories.ToDictionary(s => s.ArticleId, s => s.PublishedAt, StringComparer.Ordinal);
        originals = originals.OrderByDescending(n => n.ArticleId is { } a && publishedAt.TryGetValue(a, out var at) ? at : n.CreatedAt).ToList();

        var id = Guid.CreateVersion7();
        // Holds past the daily limit (maybe with quiet-hours ones due at the same time) fold into "N more stories".
        var pastLimit = held.Any(h => h.HeldBy == HoldReason.DailyLimit);
        var createdBy = pastLimit ? "daily-limit" : "quiet-hours";
        // Every daily-limit hold of a time zone ends at the same midnight, so one that was recorded just after a
        // run took the others would meet that run's digest under the same key: the release time keeps them apart
        // (the Held → Released claim is what makes each release happen once).
        var periodStart = pastLimit ? now : held.Max(h => h.HeldUntil!.Value);
        Notification? notification = null;
        if (originals.Count == 1)
        {
            var original = originals[0];
            notification = new Notification
            {
                Id = id, Kind = original.Kind, Status = NotificationStatus.Queued,
                Title = original.Title, Body = original.Body, Url = original.Url, ImageUrl = original.ImageUrl,
                Sections = original.Sections, TtlSeconds = original.TtlSeconds, Urgency = original.Urgency, Topic = original.Topic,
                CreatedAt = now, CreatedBy = createdBy,
            };
        }
        else if (originals.Count > 1)
        {
            notification = new Notification
            {
                Id = id, Kind = NotificationKind.Digest, Status = NotificationStatus.Queued,
                Title = pastLimit ? DigestComposer.DailyLimitTitle(originals.Count) : DigestComposer.QuietHoursTitle(originals.Count),
                Body = DigestComposer.Body(originals.Select(n => n.Title), options.Value.HeadlinesInBody),
                Url = links.Digest(id),
                ImageUrl = originals.Select(n => n.ImageUrl).FirstOrDefault(u => u is not null),
                Sections = Notification.JoinSections(originals.SelectMany(n => n.SectionList ?? []).Distinct()),
                TtlSeconds = push.Value.ArticleTtlSeconds, Urgency = PushUrgency.Normal,
                CreatedAt = now, CreatedBy = createdBy,
            };
        }
        var digest = new Digest
        {
            Id = id, NotificationId = id, SubscriptionId = subscriptionId, Kind = pastLimit ? DigestKind.DailyLimit : DigestKind.QuietHours, PeriodStart = periodStart, CreatedAt = now,
            Stories = stories.Select((s, i) => new DigestStory { DigestId = id, Position = i, ArticleId = s.ArticleId }).ToList(),
        };

        // The claim: exactly these holds move from Held to Released, or another run got there first.
        async Task<bool> Claim(CancellationToken ct) =>
            await db.Deliveries.Where(d => d.SubscriptionId == subscriptionId && heldIds.Contains(d.NotificationId) && d.Outcome == DeliveryOutcome.Held)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.Outcome, DeliveryOutcome.Released).SetProperty(d => d.At, now), ct) == heldIds.Count;

        if (notification is null)
        {
            await Claim(cancellationToken); // only cancelled alerts were held: nothing to send
            return false;
        }
        return await PersonalNotifications.RecordAsync(db, Claim, notification, digest, cancellationToken);
    }
}
