using System.Text.Json;
using Alerts.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Data.Sqlite;

namespace Alerts.Subscriptions;

/// <summary>
/// The import's writes on SQLite (the embedded mode): each statement takes the whole chunk as one JSON
/// array (json_each), in one transaction. Values are written the way EF Core stores them: GUIDs as
/// upper-case text, times as "yyyy-MM-dd HH:mm:ss.FFFFFFF" and "HH:mm:ss.FFFFFFF", booleans as 0 and 1.
/// </summary>
internal sealed class SubscriptionImportSqlite(AlertsDbContext db) : SubscriptionImportStore(db)
{
    // "WHERE true" tells SQLite's parser that ON CONFLICT belongs to the INSERT, not to the SELECT's join.
    private static readonly string Upsert = $"""
        {InsertColumns}
        SELECT {string.Join(", ", Enumerable.Range(0, 14).Select(i => $"json_extract(value, '$[{i}]')"))}, @now, @now, 0
        FROM json_each(@rows) WHERE true
        {string.Format(OnConflictTemplate, "IS NOT")}
        """;

    protected override async Task<int> WriteOrderedAsync(List<SubscriptionImportRow> rows, DateTime now, CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)Db.Database.GetDbConnection();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);

        var idByHash = new Dictionary<string, Guid>(rows.Count, StringComparer.Ordinal);
        await using (var upsert = Command(connection, transaction, Upsert))
        {
            upsert.Parameters.AddWithValue("@now", SqliteText.Of(now));
            upsert.Parameters.AddWithValue("@rows", JsonSerializer.Serialize(rows.Select(r => new object?[]
            {
                SqliteText.Of(r.Id), r.Target.Endpoint, r.EndpointHash, r.Target.P256dh, r.Target.Auth, r.TokenHash, ModeText(r), FrequencyText(r),
                SqliteText.Of(r.Preferences.DigestAt), SqliteText.Of(r.Preferences.QuietFrom), SqliteText.Of(r.Preferences.QuietTo), r.Preferences.TimeZone,
                r.Preferences.Paused ? 1 : 0, r.NextDigestAt is { } next ? SqliteText.Of(next) : null,
            })));
            await using var reader = await upsert.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) idByHash[reader.GetString(1)] = Guid.Parse(reader.GetString(0));
        }

        var updated = rows.Where(r => idByHash[r.EndpointHash] != r.Id).Select(r => SqliteText.Of(idByHash[r.EndpointHash])).ToList();
        var sections = JsonSerializer.Serialize(rows.SelectMany(r => r.Preferences.Sections.Select(section => new[] { SqliteText.Of(idByHash[r.EndpointHash]), section })));
        if (updated.Count > 0)
        {
            // Only the sections a known subscriber no longer wants go; a re-import of the same choice writes nothing.
            await using var delete = Command(connection, transaction, """
                DELETE FROM subscription_sections WHERE "SubscriptionId" IN (SELECT value FROM json_each(@updated))
                  AND ("SubscriptionId", "SectionId") NOT IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(@sections))
                """);
            delete.Parameters.AddWithValue("@updated", JsonSerializer.Serialize(updated));
            delete.Parameters.AddWithValue("@sections", sections);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var insert = Command(connection, transaction, """
            INSERT INTO subscription_sections ("SubscriptionId", "SectionId")
            SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(@sections) WHERE true
            ON CONFLICT DO NOTHING
            """))
        {
            insert.Parameters.AddWithValue("@sections", sections);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return rows.Count - updated.Count;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql) =>
        new(sql, connection, transaction);
}
