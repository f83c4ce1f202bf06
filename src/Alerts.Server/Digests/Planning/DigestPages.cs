using Alerts.Storage;
using Alerts.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Digests.Planning;

/// <summary>A digest subscriber whose period has begun, as one page read finds them.</summary>
public sealed record DueReader(
    Guid Id, string TimeZone, TimeOnly? At, DigestFrequency? Frequency, DateTime Due, DateTime? LastDigestAt, DateTime CreatedAt,
    IReadOnlyList<string> Sections)
{
    /// <summary>Stories published after this go into the next digest.</summary>
    public DateTime Since => LastDigestAt ?? CreatedAt;
}

/// <summary>Moves a reader's schedule on from <see cref="Due"/> to <see cref="Next"/>, provided nobody else has.</summary>
/// <param name="Skipped">The period is too old to send: the schedule moves on, LastDigestAt stays (the stories wait for the next digest).</param>
public sealed record ReaderClaim(Guid Id, DateTime Due, DateTime Next, DateTime PeriodStart, bool Skipped);

/// <summary>A claimed reader; <see cref="AlreadySent"/> when a digest for this period exists (the schedule had been set back).</summary>
public sealed record ClaimedDigestReader(Guid Id, bool AlreadySent);

/// <summary>A reader's digest ready to store; <see cref="Stories"/> are article ids, newest first.</summary>
public sealed record PlannedDigest(
    Guid Id, Guid SubscriptionId, DateTime PeriodStart, string Title, string Body, string Url, string? ImageUrl, string Topic,
    IReadOnlyList<string> Stories);

/// <summary>
/// The store's side of a digest run page, each step one set-based statement on PostgreSQL (the embedded
/// SQLite store does the same reader by reader, inside the same single transaction: correct, slower).
/// Every method runs in the caller's transaction.
/// </summary>
public abstract class DigestPages(AlertsDbContext db)
{
    protected AlertsDbContext Db { get; } = db;

    public static DigestPages For(AlertsDbContext db) => db.IsPostgres ? new PostgresDigestPages(db) : new SqliteDigestPages(db);

    /// <summary>The next page of due digest readers after <paramref name="after"/>, in id order, with what their schedule and stories need.</summary>
    public async Task<List<DueReader>> DueAsync(DateTime now, Guid? after, int pageSize, CancellationToken cancellationToken)
    {
        var due = Db.Subscriptions.AsNoTracking()
            .Where(s => s.Mode == DeliveryMode.Digest && !s.Paused && s.NextDigestAt != null && s.NextDigestAt <= now);
        if (after is { } last) due = due.Where(s => s.Id.CompareTo(last) > 0);
        var rows = await due.OrderBy(s => s.Id).Take(pageSize)
            .Select(s => new
            {
                s.Id, s.TimeZone, s.DigestAt, s.DigestFrequency, Due = s.NextDigestAt!.Value, s.LastDigestAt, s.CreatedAt,
                Sections = s.Sections.Select(x => x.SectionId).ToList(),
            })
            .ToListAsync(cancellationToken);
        // A section the reader muted (until after now) is left out of their digest, as matching leaves it out of pushes.
        var ids = rows.Select(r => r.Id).ToList();
        var muted = (await Db.SectionMutes.AsNoTracking().Where(m => ids.Contains(m.SubscriptionId) && m.Until > now)
                .Select(m => new { m.SubscriptionId, m.SectionId }).ToListAsync(cancellationToken))
            .ToLookup(m => m.SubscriptionId, m => m.SectionId);
        return rows.Select(r => new DueReader(r.Id, r.TimeZone, r.DigestAt, r.DigestFrequency, r.Due, r.LastDigestAt, r.CreatedAt,
            muted.Contains(r.Id) ? r.Sections.Except(muted[r.Id]).ToList() : r.Sections)).ToList();
    }

    /// <summary>
    /// Claims the readers whose schedule still reads the due value this run saw (the one place where two
    /// Scheduler processes meet: the loser's update finds the value moved and claims nothing); returns those claimed.
    /// </summary>
    public abstract Task<IReadOnlyList<ClaimedDigestReader>> ClaimAsync(IReadOnlyList<ReaderClaim> claims, DateTime now, CancellationToken cancellationToken);

    /// <summary>
    /// Each reader's stories: in their sections, published after their last digest and not after now, newest
    /// first, at most <paramref name="maxStories"/>, leaving out articles already pushed to them (Sent or
    /// Released) and articles listed in their earlier digests.
    /// </summary>
    public abstract Task<IReadOnlyDictionary<Guid, List<string>>> StoriesAsync(
        IReadOnlyList<DueReader> readers, DateTime now, int maxStories, CancellationToken cancellationToken);

    /// <summary>Stores the digests and their stories for the notification that delivers them.</summary>
    public abstract Task InsertAsync(Guid notificationId, IReadOnlyList<PlannedDigest> digests, DateTime now, CancellationToken cancellationToken);
}
