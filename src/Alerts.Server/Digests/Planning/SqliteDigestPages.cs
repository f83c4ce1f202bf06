using Alerts.Delivery;
using Alerts.Storage;
using Alerts.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Digests.Planning;

/// <summary>
/// The embedded store: reader by reader, inside the page's transaction. SQLite has one writer at a
/// time, so the transaction's first write (the first claim) makes a second run wait for this page.
/// </summary>
internal sealed class SqliteDigestPages(AlertsDbContext db) : DigestPages(db)
{
    public override async Task<IReadOnlyList<ClaimedDigestReader>> ClaimAsync(IReadOnlyList<ReaderClaim> claims, DateTime now, CancellationToken cancellationToken)
    {
        var claimed = new List<ClaimedDigestReader>(claims.Count);
        foreach (var claim in claims)
        {
            var moved = claim.Skipped
                ? await Db.Subscriptions
                    .Where(s => s.Id == claim.Id && s.NextDigestAt == claim.Due && s.Mode == DeliveryMode.Digest && !s.Paused)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.NextDigestAt, claim.Next), cancellationToken)
                : await Db.Subscriptions
                    .Where(s => s.Id == claim.Id && s.NextDigestAt == claim.Due && s.Mode == DeliveryMode.Digest && !s.Paused)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.NextDigestAt, claim.Next).SetProperty(s => s.LastDigestAt, now), cancellationToken);
            if (moved == 0) continue;
            var sent = await Db.Digests.AnyAsync(d => d.SubscriptionId == claim.Id && d.Kind == DigestKind.Scheduled && d.PeriodStart == claim.PeriodStart, cancellationToken);
            claimed.Add(new ClaimedDigestReader(claim.Id, sent));
        }
        return claimed;
    }

    public override async Task<IReadOnlyDictionary<Guid, List<string>>> StoriesAsync(
        IReadOnlyList<DueReader> readers, DateTime now, int maxStories, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, List<string>>();
        foreach (var reader in readers)
        {
            if (reader.Sections.Count == 0) continue;
            var subscriptionId = reader.Id;
            var sections = reader.Sections.ToList();
            var since = reader.Since;
            var pushed = Db.Deliveries.Where(d => d.SubscriptionId == subscriptionId && d.ArticleId != null &&
                                                  (d.Outcome == DeliveryOutcome.Sent || d.Outcome == DeliveryOutcome.Released))
                .Select(d => d.ArticleId!);
            var listed = Db.DigestStories.Where(ds => Db.Digests.Any(d => d.Id == ds.DigestId && d.SubscriptionId == subscriptionId))
                .Select(ds => ds.ArticleId);
            var inSections = Db.ArticleSections.Where(a => sections.Contains(a.SectionId) && a.PublishedAt > since && a.PublishedAt <= now)
                .Select(a => a.ArticleId);
            var ids = await Db.Articles.AsNoTracking()
                .Where(a => inSections.Contains(a.ArticleId) && !pushed.Contains(a.ArticleId) && !listed.Contains(a.ArticleId))
                .OrderByDescending(a => a.PublishedAt).ThenBy(a => a.ArticleId)
                .Select(a => a.ArticleId).Take(maxStories)
                .ToListAsync(cancellationToken);
            if (ids.Count > 0) found[subscriptionId] = ids;
        }
        return found;
    }

    public override async Task InsertAsync(Guid notificationId, IReadOnlyList<PlannedDigest> digests, DateTime now, CancellationToken cancellationToken)
    {
        Db.Digests.AddRange(digests.Select(d => new Digest
        {
            Id = d.Id, NotificationId = notificationId, SubscriptionId = d.SubscriptionId, Kind = DigestKind.Scheduled,
            PeriodStart = d.PeriodStart, CreatedAt = now,
            Title = d.Title, Body = d.Body, Url = d.Url, ImageUrl = d.ImageUrl, Topic = d.Topic,
            Stories = d.Stories.Select((a, i) => new DigestStory { DigestId = d.Id, Position = i, ArticleId = a }).ToList(),
        }));
        await Db.SaveChangesAsync(cancellationToken);
    }
}
