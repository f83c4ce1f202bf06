using Alerts.Storage;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Subscriptions;

/// <summary>
/// Writes one chunk of checked import rows in a handful of statements inside one transaction: an
/// upsert keyed on the endpoint hash, then the sections (a known subscriber loses the sections it no
/// longer has and gains the new ones; unchanged ones are not rewritten). A known endpoint keeps its id,
/// creation time, tokens and last digest; it takes the line's keys and preferences, its failure count
/// starts again, and its next digest is recomputed only when the schedule changed (as a subscribe
/// through the API does). An imported row is told from an updated one by the id the upsert returns:
/// the row's new id when inserted, the existing one when updated.
/// </summary>
internal abstract class SubscriptionImportStore(AlertsDbContext db)
{
    protected AlertsDbContext Db { get; } = db;

    public static SubscriptionImportStore For(AlertsDbContext db) =>
        db.IsPostgres ? new SubscriptionImportPostgres(db) : new SubscriptionImportSqlite(db);

    /// <summary>Upserts rows whose endpoint hashes are distinct; returns how many were new subscriptions.</summary>
    public async Task<int> WriteAsync(IReadOnlyList<SubscriptionImportRow> rows, DateTime now, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return 0;
        // The same order in every import, so two imports sharing endpoints never wait on each other in a cycle.
        var ordered = rows.OrderBy(r => r.EndpointHash, StringComparer.Ordinal).ToList();
        await Db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            return await WriteOrderedAsync(ordered, now, cancellationToken);
        }
        finally
        {
            await Db.Database.CloseConnectionAsync();
        }
    }

    protected abstract Task<int> WriteOrderedAsync(List<SubscriptionImportRow> rows, DateTime now, CancellationToken cancellationToken);

    /// <summary>Sets on a known endpoint; <c>{0}</c> is the provider's "differs from" operator (null-safe).</summary>
    protected const string OnConflictTemplate = """
        ON CONFLICT ("EndpointHash") DO UPDATE SET
          "Endpoint" = excluded."Endpoint", "P256dh" = excluded."P256dh", "Auth" = excluded."Auth", "ConsecutiveFailures" = 0,
          "NextDigestAt" = CASE
            WHEN subscriptions."NextDigestAt" IS NULL OR subscriptions."Mode" {0} excluded."Mode"
              OR subscriptions."DigestFrequency" {0} excluded."DigestFrequency" OR subscriptions."DigestAt" {0} excluded."DigestAt"
              OR subscriptions."TimeZone" {0} excluded."TimeZone"
            THEN excluded."NextDigestAt" ELSE subscriptions."NextDigestAt" END,
          "Mode" = excluded."Mode", "DigestFrequency" = excluded."DigestFrequency", "DigestAt" = excluded."DigestAt",
          "QuietFrom" = excluded."QuietFrom", "QuietTo" = excluded."QuietTo", "TimeZone" = excluded."TimeZone",
          "Paused" = excluded."Paused", "UpdatedAt" = excluded."UpdatedAt"
        RETURNING "Id", "EndpointHash"
        """;

    protected const string InsertColumns = """
        INSERT INTO subscriptions ("Id", "Endpoint", "EndpointHash", "P256dh", "Auth", "TokenHash", "Mode", "DigestFrequency", "DigestAt",
          "QuietFrom", "QuietTo", "TimeZone", "Paused", "NextDigestAt", "CreatedAt", "UpdatedAt", "ConsecutiveFailures")
        """;

    protected static string ModeText(SubscriptionImportRow row) => row.Preferences.Mode.ToString();

    protected static string? FrequencyText(SubscriptionImportRow row) => row.Preferences.Frequency?.ToString();
}
