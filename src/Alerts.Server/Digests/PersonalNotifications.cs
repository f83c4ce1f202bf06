using Alerts.Notifications;
using Alerts.Storage;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Digests;

/// <summary>
/// Records a notification for one reader (through <see cref="NotificationIntake"/>, so with its outbox
/// row) together with its digest row and stories, in one transaction
/// with the caller's claim (moving the reader's schedule on, or marking held deliveries released).
/// Either all of it is stored or none: a run that crashes half-way leaves the period due, and two
/// Scheduler processes racing for the same period meet at the claim and at the digest's unique key.
/// </summary>
internal static class PersonalNotifications
{
    /// <returns>True when this caller recorded it; false when another run had already claimed the period.</returns>
    public static async Task<bool> RecordAsync(
        AlertsDbContext db, Func<CancellationToken, Task<bool>> claim, Notification notification, Digest digest, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (!await claim(ct)) return false;
            NotificationIntake.Add(db, notification);
            db.Digests.Add(digest);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (db.IsUniqueViolation(e))
            {
                db.ChangeTracker.Clear();
                return false; // the transaction rolls back as it is disposed
            }
            await transaction.CommitAsync(ct);
            db.ChangeTracker.Clear();
            return true;
        }, cancellationToken);
    }

    /// <summary>Stories as a digest lists them, in the given order.</summary>
    public static async Task<List<DigestStoryView>> StoriesAsync(AlertsDbContext db, IReadOnlyList<string> articleIds, CancellationToken cancellationToken)
    {
        var ids = articleIds.ToList();
        var found = await db.Articles.AsNoTracking().Where(a => ids.Contains(a.ArticleId))
            .Select(a => new DigestStoryView(a.ArticleId, a.Title, a.Summary, a.Url, a.ImageUrl,
                a.Sections.Select(s => s.SectionId).ToList(), a.PublishedAt, a.Breaking))
            .ToListAsync(cancellationToken);
        var byId = found.ToDictionary(s => s.ArticleId, StringComparer.Ordinal);
        return ids.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
    }
}
