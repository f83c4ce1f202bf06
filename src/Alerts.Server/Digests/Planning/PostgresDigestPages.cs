using Alerts.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Alerts.Digests.Planning;

/// <summary>
/// PostgreSQL: the claim, the stories and each insert are one statement for the whole page, with the
/// page's values passed as arrays (unnest), so a page of a thousand readers costs a handful of round trips.
/// </summary>
internal sealed class PostgresDigestPages(AlertsDbContext db) : DigestPages(db)
{
    public override async Task<IReadOnlyList<ClaimedDigestReader>> ClaimAsync(IReadOnlyList<ReaderClaim> claims, DateTime now, CancellationToken cancellationToken)
    {
        await using var command = Command("""
            UPDATE subscriptions AS s SET
              "NextDigestAt" = v.next,
              "LastDigestAt" = CASE WHEN v.skipped THEN s."LastDigestAt" ELSE @now END
            FROM unnest(@ids, @dues, @nexts, @skipped, @periods) AS v(id, due, next, skipped, period)
            WHERE s."Id" = v.id AND s."NextDigestAt" = v.due AND s."Mode" = 'Digest' AND NOT s."Paused"
            RETURNING s."Id", EXISTS (
              SELECT 1 FROM digests d WHERE d."SubscriptionId" = v.id AND d."Kind" = 'Scheduled' AND d."PeriodStart" = v.period)
            """);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("ids", claims.Select(c => c.Id).ToArray());
        command.Parameters.AddWithValue("dues", claims.Select(c => c.Due).ToArray());
        command.Parameters.AddWithValue("nexts", claims.Select(c => c.Next).ToArray());
        command.Parameters.AddWithValue("skipped", claims.Select(c => c.Skipped).ToArray());
        command.Parameters.AddWithValue("periods", claims.Select(c => c.PeriodStart).ToArray());
        var claimed = new List<ClaimedDigestReader>(claims.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) claimed.Add(new ClaimedDigestReader(reader.GetGuid(0), reader.GetBoolean(1)));
        return claimed;
    }

    public override async Task<IReadOnlyDictionary<Guid, List<string>>> StoriesAsync(
        IReadOnlyList<DueReader> readers, DateTime now, int maxStories, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, List<string>>();
        if (readers.Count == 0) return found;
        // Candidates: each reader's sections' articles in their window (an article in two of their sections once),
        // leaving out the sections the reader muted;
        // then the ones already pushed or listed go, and the newest maxStories per reader stay.
        await using var command = Command("""
            WITH r AS (SELECT * FROM unnest(@ids, @since) AS r(id, since)),
            candidates AS (
              SELECT DISTINCT r.id AS reader, a."ArticleId"
              FROM r
              JOIN subscription_sections ss ON ss."SubscriptionId" = r.id
              JOIN article_sections a ON a."SectionId" = ss."SectionId" AND a."PublishedAt" > r.since AND a."PublishedAt" <= @now
              WHERE NOT EXISTS (
                      SELECT 1 FROM section_mutes m
                      WHERE m."SubscriptionId" = r.id AND m."SectionId" = ss."SectionId" AND m."Until" > @now)),
            ranked AS (
              SELECT c.reader, a."ArticleId",
                     row_number() OVER (PARTITION BY c.reader ORDER BY a."PublishedAt" DESC, a."ArticleId") AS position
              FROM candidates c JOIN articles a ON a."ArticleId" = c."ArticleId"
              WHERE NOT EXISTS (
                      SELECT 1 FROM deliveries d
                      WHERE d."SubscriptionId" = c.reader AND d."ArticleId" = c."ArticleId" AND d."Outcome" IN ('Sent', 'Released'))
                AND NOT EXISTS (
                      SELECT 1 FROM digests g JOIN digest_stories ds ON ds."DigestId" = g."Id"
                      WHERE g."SubscriptionId" = c.reader AND ds."ArticleId" = c."ArticleId"))
            SELECT reader, "ArticleId" FROM ranked WHERE position <= @max ORDER BY reader, position
            """);
        command.Parameters.AddWithValue("ids", readers.Select(r => r.Id).ToArray());
        command.Parameters.AddWithValue("since", readers.Select(r => r.Since).ToArray());
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("max", (long)maxStories);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetGuid(0);
            if (!found.TryGetValue(id, out var stories)) found[id] = stories = [];
            stories.Add(reader.GetString(1));
        }
        return found;
    }

    public override async Task InsertAsync(Guid notificationId, IReadOnlyList<PlannedDigest> digests, DateTime now, CancellationToken cancellationToken)
    {
        if (digests.Count == 0) return;
        await using var insertDigests = Command("""
            INSERT INTO digests ("Id", "NotificationId", "SubscriptionId", "Kind", "PeriodStart", "CreatedAt", "Title", "Body", "Url", "ImageUrl", "Topic")
            SELECT v.id, @n, v.sub, 'Scheduled', v.period, @now, v.title, v.body, v.url, v.image, v.topic
            FROM unnest(@ids, @subs, @periods, @titles, @bodies, @urls, @images, @topics) AS v(id, sub, period, title, body, url, image, topic)
            """);
        insertDigests.Parameters.AddWithValue("n", notificationId);
        insertDigests.Parameters.AddWithValue("now", now);
        insertDigests.Parameters.AddWithValue("ids", digests.Select(d => d.Id).ToArray());
        insertDigests.Parameters.AddWithValue("subs", digests.Select(d => d.SubscriptionId).ToArray());
        insertDigests.Parameters.AddWithValue("periods", digests.Select(d => d.PeriodStart).ToArray());
        insertDigests.Parameters.AddWithValue("titles", digests.Select(d => d.Title).ToArray());
        insertDigests.Parameters.AddWithValue("bodies", digests.Select(d => d.Body).ToArray());
        insertDigests.Parameters.AddWithValue("urls", digests.Select(d => d.Url).ToArray());
        insertDigests.Parameters.AddWithValue("images", digests.Select(d => d.ImageUrl).ToArray());
        insertDigests.Parameters.AddWithValue("topics", digests.Select(d => d.Topic).ToArray());
        await insertDigests.ExecuteNonQueryAsync(cancellationToken);

        var stories = digests.SelectMany(d => d.Stories.Select((article, position) => (d.Id, position, article))).ToList();
        await using var insertStories = Command("""
            INSERT INTO digest_stories ("DigestId", "Position", "ArticleId")
            SELECT * FROM unnest(@digests, @positions, @articles)
            """);
        insertStories.Parameters.AddWithValue("digests", stories.Select(s => s.Id).ToArray());
        insertStories.Parameters.AddWithValue("positions", stories.Select(s => s.position).ToArray());
        insertStories.Parameters.AddWithValue("articles", stories.Select(s => s.article).ToArray());
        await insertStories.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A command on the context's connection, in its transaction (the page's).</summary>
    private NpgsqlCommand Command(string sql) => new(sql, (NpgsqlConnection)Db.Database.GetDbConnection())
    {
        Transaction = (NpgsqlTransaction?)Db.Database.CurrentTransaction?.GetDbTransaction(),
    };
}
