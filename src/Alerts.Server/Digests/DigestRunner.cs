using Alerts.Delivery;
using Alerts.Notifications;
using Alerts.Sections;
using Alerts.Storage;
using Alerts.Subscriptions;
using Alerts.WebPush;
using Hangfire;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Alerts.Digests;

/// <summary>What one run did, subscriber by subscriber.</summary>
/// <param name="Failed">Readers whose digest could not be recorded; retried by later runs.</param>
public sealed record DigestRunSummary(int Sent, int Empty, int Skipped, int TakenByAnotherRun, int Failed);

/// <summary>
/// The recurring digest job: finds digest subscribers whose period has begun, records one digest each
/// (the stories in their sections since their last digest, newest first, minus what they were already
/// pushed) and hands it to the same batch delivery as articles. Safe to run in any number of Scheduler
/// processes at once and to re-run after a crash: the store decides who sends each period.
/// </summary>
public sealed class DigestRunner(
    IServiceScopeFactory scopes, IOptions<DigestOptions> options, IOptions<PushOptions> push, SectionCatalog sections,
    PublicLinks links, TimeProvider time, ILogger<DigestRunner> logger)
{
    public const string JobId = "digests";

    private static readonly Prometheus.Counter Runs = Prometheus.Metrics.CreateCounter(
        "alerts_digest_runs_total", "Runs of the digest job; failed: the run, or a reader in it, failed (a later run retries).", "result");
    private static readonly Prometheus.Counter Readers = Prometheus.Metrics.CreateCounter(
        "alerts_digest_readers_total", "Readers the digest job served: sent a digest, nothing new (empty), skipped (period too old), failed.", "result");

    /// <summary>The Hangfire entry point; a failed run is not retried, the next minute's run is the retry.</summary>
    [AutomaticRetry(Attempts = 0, LogEvents = false)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var summary = await RunDueAsync(cancellationToken);
            Runs.WithLabels(summary.Failed > 0 ? "failed" : "ok").Inc();
            Readers.WithLabels("sent").Inc(summary.Sent);
            Readers.WithLabels("empty").Inc(summary.Empty);
            Readers.WithLabels("skipped").Inc(summary.Skipped);
            Readers.WithLabels("failed").Inc(summary.Failed);
        }
        catch
        {
            Runs.WithLabels("failed").Inc();
            throw;
        }
    }


    public async Task<DigestRunSummary> RunDueAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        int sent = 0, empty = 0, skipped = 0, lost = 0, failed = 0;
        await DueSubscriptions.ForEachAsync(scopes,
            db => db.Subscriptions.AsNoTracking()
                .Where(s => s.Mode == DeliveryMode.Digest && !s.Paused && s.NextDigestAt != null && s.NextDigestAt <= now)
                .Select(s => s.Id),
            options.Value.MaxConcurrency,
            async (id, ct) =>
            {
                switch (await RunOneSafelyAsync(id, now, ct))
                {
                    case Outcome.Failed: Interlocked.Increment(ref failed); break;
                    case Outcome.Sent: Interlocked.Increment(ref sent); break;
                    case Outcome.Empty: Interlocked.Increment(ref empty); break;
                    case Outcome.Skipped: Interlocked.Increment(ref skipped); break;
                    case Outcome.Lost: Interlocked.Increment(ref lost); break;
                }
            },
            cancellationToken);
        var summary = new DigestRunSummary(sent, empty, skipped, lost, failed);
        if (summary != new DigestRunSummary(0, 0, 0, 0, 0))
            logger.Log(failed > 0 ? LogLevel.Warning : LogLevel.Information,
                "Digest run at {Now:O}: {Sent} sent, {Empty} with nothing new, {Skipped} skipped, {Lost} taken by another run, {Failed} failed",
                now, sent, empty, skipped, lost, failed);
        return summary;
    }

    private enum Outcome { NotDue, Sent, Empty, Skipped, Lost, Failed }

    /// <summary>One reader's failure (the store or the bus) does not hold up the others; a later run retries it.</summary>
    private async Task<Outcome> RunOneSafelyAsync(Guid subscriptionId, DateTime now, CancellationToken cancellationToken)
    {
        try
        {
            return await RunOneAsync(subscriptionId, now, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "The digest for subscription {SubscriptionId} failed; a later run retries it", subscriptionId);
            return Outcome.Failed;
        }
    }

    private async Task<Outcome> RunOneAsync(Guid subscriptionId, DateTime now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var subscription = await db.Subscriptions.AsNoTracking().Include(s => s.Sections)
            .FirstOrDefaultAsync(s => s.Id == subscriptionId, cancellationToken);
        if (subscription is not { Mode: DeliveryMode.Digest, Paused: false, NextDigestAt: { } due } || due > now) return Outcome.NotDue;

        var period = DigestSchedule.PeriodDue(subscription, due, now, options.Value.CatchUpWindow);
        if (period.Skipped)
        {
            // Too late to be useful. The stories are not lost: LastDigestAt stays, so the next digest lists them.
            var moved = await db.Subscriptions.Where(s => s.Id == subscriptionId && s.NextDigestAt == due)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.NextDigestAt, period.Next), cancellationToken);
            if (moved == 0) return Outcome.Lost;
            logger.LogWarning("Skipped the digest period of {PeriodStart:O} for subscription {SubscriptionId}: it began {Late} ago, beyond {Key} ({Window}); next digest at {Next:O}",
                period.Start, subscriptionId, now - period.Start, $"{DigestOptions.SectionKey}:CatchUpWindow", options.Value.CatchUpWindow, period.Next);
            return Outcome.Skipped;
        }
        if (period.MissedBefore)
            logger.LogInformation("Catching up subscription {SubscriptionId}: periods from {Due:O} were missed; sending one digest for {PeriodStart:O}",
                subscriptionId, due, period.Start);

        var since = subscription.LastDigestAt ?? subscription.CreatedAt;
        var stories = await FindStoriesAsync(db, subscription, since, now, cancellationToken);
        async Task<bool> Claim(CancellationToken ct) =>
            await db.Subscriptions.Where(s => s.Id == subscriptionId && s.NextDigestAt == due)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.NextDigestAt, period.Next).SetProperty(s => s.LastDigestAt, now), ct) == 1;

        if (stories.Count == 0)
            return await Claim(cancellationToken) ? Outcome.Empty : Outcome.Lost;

        var subscribed = subscription.Sections.Select(s => s.SectionId).ToList();
        var id = Guid.CreateVersion7();
        var notification = new Notification
        {
            Id = id,
            Kind = NotificationKind.Digest,
            Status = NotificationStatus.Queued,
            Title = DigestComposer.Title(DigestComposer.SectionNames(sections, subscribed, stories), stories.Count),
            Body = DigestComposer.Body(stories.Select(s => s.Title), options.Value.HeadlinesInBody),
            Url = links.Digest(id),
            ImageUrl = stories.Select(s => s.ImageUrl).FirstOrDefault(u => u is not null),
            Sections = Notification.JoinSections(subscribed),
            TtlSeconds = push.Value.DigestTtlSeconds,
            Urgency = PushUrgency.Low,
            // A newer digest replaces one the browser has not picked up yet.
            Topic = NotificationTopics.For($"digest:{subscriptionId}"),
            CreatedAt = now,
            CreatedBy = "digests",
        };
        var digest = new Digest
        {
            Id = id, SubscriptionId = subscriptionId, Kind = DigestKind.Scheduled, PeriodStart = period.Start, CreatedAt = now,
            Stories = stories.Select((s, i) => new DigestStory { DigestId = id, Position = i, ArticleId = s.ArticleId }).ToList(),
        };
        // Recorded with its outbox row: from here the relay and the workers deliver it, even if this process dies now.
        return await PersonalNotifications.RecordAsync(db, Claim, notification, digest, cancellationToken) ? Outcome.Sent : Outcome.Lost;
    }

    /// <summary>
    /// Stories in the reader's sections published after <paramref name="since"/>, newest first, without
    /// those already pushed to this reader (breaking news, quiet-hours releases) or listed in an earlier digest.
    /// </summary>
    private async Task<List<DigestStoryView>> FindStoriesAsync(AlertsDbContext db, Subscription subscription, DateTime since, DateTime now, CancellationToken cancellationToken)
    {
        var subscribed = subscription.Sections.Select(s => s.SectionId).ToList();
        if (subscribed.Count == 0) return [];
        var subscriptionId = subscription.Id;
        var pushed = db.Deliveries.Where(d => d.SubscriptionId == subscriptionId && d.ArticleId != null &&
                                              (d.Outcome == DeliveryOutcome.Sent || d.Outcome == DeliveryOutcome.Released))
            .Select(d => d.ArticleId!);
        var listed = db.DigestStories.Where(ds => db.Digests.Any(d => d.Id == ds.DigestId && d.SubscriptionId == subscriptionId))
            .Select(ds => ds.ArticleId);
        var inSections = db.ArticleSections.Where(a => subscribed.Contains(a.SectionId) && a.PublishedAt > since && a.PublishedAt <= now)
            .Select(a => a.ArticleId);
        var ids = await db.Articles.AsNoTracking()
            .Where(a => inSections.Contains(a.ArticleId) && !pushed.Contains(a.ArticleId) && !listed.Contains(a.ArticleId))
            .OrderByDescending(a => a.PublishedAt).ThenBy(a => a.ArticleId)
            .Select(a => a.ArticleId).Take(options.Value.MaxStories)
            .ToListAsync(cancellationToken);
        return await PersonalNotifications.StoriesAsync(db, ids, cancellationToken);
    }
}
