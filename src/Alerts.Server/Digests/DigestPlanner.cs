using Alerts.Delivery;
using Alerts.Digests.Planning;
using Alerts.Notifications;
using Alerts.Sections;
using Alerts.Storage;
using Alerts.WebPush;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Alerts.Digests;

/// <summary>
/// Plans one page of due digest readers in one transaction: works out each reader's period in C#, claims
/// the page (only readers whose schedule still reads what was seen, so two Scheduler processes never both
/// send a period), finds every claimed reader's stories, and records one digest row each plus one
/// notification (with its outbox row) for the readers with something new. Either all of it is stored or
/// none: a crash half-way leaves the page due for the next run.
/// </summary>
public sealed class DigestPlanner(
    AlertsDbContext db, IOptions<DigestOptions> options, IOptions<PushOptions> push, SectionCatalog sections, PublicLinks links,
    ILogger<DigestPlanner> logger)
{
    public async Task<DigestRunSummary> PlanPageAsync(IReadOnlyList<DueReader> page, DateTime now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var periods = page.ToDictionary(r => r.Id,
            r => DigestSchedule.PeriodDue(r.Frequency ?? Subscriptions.DigestFrequency.Daily, r.At, r.TimeZone, r.Due, now, settings.CatchUpWindow));
        var claims = page.Select(r => new ReaderClaim(r.Id, r.Due, periods[r.Id].Next, periods[r.Id].Start, periods[r.Id].Skipped)).ToList();
        var store = DigestPages.For(db);
        var strategy = db.Database.CreateExecutionStrategy();
        var (summary, notificationId) = await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var claimed = await store.ClaimAsync(claims, now, ct);
            var mine = claimed.Where(c => !c.AlreadySent).Select(c => c.Id).ToHashSet();
            var toSend = page.Where(r => mine.Contains(r.Id) && !periods[r.Id].Skipped).ToList();
            var found = await store.StoriesAsync(toSend, now, settings.MaxStories, ct);
            var digests = await ComposeAsync(toSend, found, periods, ct);
            Guid? notificationId = null;
            if (digests.Count > 0)
            {
                var notification = PageNotification(digests, toSend, now);
                NotificationIntake.Add(db, notification);
                await db.SaveChangesAsync(ct);
                await store.InsertAsync(notification.Id, digests, now, ct);
                notificationId = notification.Id;
            }
            await transaction.CommitAsync(ct);
            db.ChangeTracker.Clear();
            var skipped = page.Count(r => mine.Contains(r.Id) && periods[r.Id].Skipped);
            return (new DigestRunSummary(digests.Count, toSend.Count - digests.Count, skipped, page.Count - mine.Count, 0), notificationId);
        }, cancellationToken);

        if (summary.Skipped > 0)
            logger.LogWarning("Skipped the digest periods of {Count} readers: they began more than {Key} ({Window}) ago; their stories wait for their next digest",
                summary.Skipped, $"{DigestOptions.SectionKey}:CatchUpWindow", settings.CatchUpWindow);
        var caughtUp = page.Count(r => periods[r.Id] is { MissedBefore: true, Skipped: false });
        if (caughtUp > 0)
            logger.LogInformation("{Count} readers had missed digest periods (downtime); each gets one digest for the latest period", caughtUp);
        if (notificationId is { } id)
            logger.LogInformation("Digest notification {NotificationId} carries {Count} readers' digests", id, summary.Sent);
        return summary;
    }

    /// <summary>Each reader's push: their sections with news in the title, the top headlines in the body, a link to their page.</summary>
    private async Task<List<PlannedDigest>> ComposeAsync(
        IReadOnlyList<DueReader> readers, IReadOnlyDictionary<Guid, List<string>> found, IReadOnlyDictionary<Guid, DuePeriod> periods, CancellationToken cancellationToken)
    {
        var articleIds = found.Values.SelectMany(ids => ids).Distinct(StringComparer.Ordinal).ToList();
        var stories = (await PersonalNotifications.StoriesAsync(db, articleIds, cancellationToken)).ToDictionary(s => s.ArticleId, StringComparer.Ordinal);
        var settings = options.Value;
        var digests = new List<PlannedDigest>(found.Count);
        foreach (var reader in readers)
        {
            if (!found.TryGetValue(reader.Id, out var ids)) continue;
            var listed = ids.Where(stories.ContainsKey).Select(a => stories[a]).ToList();
            if (listed.Count == 0) continue;
            var id = Guid.NewGuid();
            digests.Add(new PlannedDigest(
                id, reader.Id, periods[reader.Id].Start,
                Title: DigestComposer.Title(DigestComposer.SectionNames(sections, reader.Sections, listed), listed.Count),
                Body: DigestComposer.Body(listed.Select(s => s.Title), settings.HeadlinesInBody),
                Url: links.Digest(id),
                ImageUrl: listed.Select(s => s.ImageUrl).FirstOrDefault(u => u is not null),
                // A newer digest replaces one the browser has not picked up yet.
                Topic: NotificationTopics.For($"digest:{reader.Id}"),
                Stories: listed.Select(s => s.ArticleId).ToList()));
        }
        return digests;
    }

    /// <summary>
    /// The notification that delivers a page's digests: its audience is the readers with a digest row
    /// pointing at it, and each push is built from that row; its own title is what editors see in the history.
    /// </summary>
    private Notification PageNotification(IReadOnlyList<PlannedDigest> digests, IReadOnlyList<DueReader> readers, DateTime now)
    {
        var withDigest = digests.Select(d => d.SubscriptionId).ToHashSet();
        var pageSections = readers.Where(r => withDigest.Contains(r.Id)).SelectMany(r => r.Sections).ToHashSet(StringComparer.Ordinal);
        return new Notification
        {
            Id = Guid.CreateVersion7(),
            Kind = NotificationKind.Digest,
            Status = NotificationStatus.Queued,
            Title = digests.Count == 1 ? "Digest for 1 reader" : $"Digests for {digests.Count} readers",
            Body = $"{digests.Sum(d => d.Stories.Count)} stories listed in {digests.Count} readers' digests",
            Url = links.BaseUrl,
            Sections = Notification.JoinSections(sections.All.Select(s => s.Id).Where(pageSections.Contains)),
            TtlSeconds = push.Value.DigestTtlSeconds,
            Urgency = PushUrgency.Low,
            CreatedAt = now,
            CreatedBy = "digests",
        };
    }
}
