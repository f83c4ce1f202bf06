using Alerts.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Alerts.Subscriptions;

/// <summary>The import's writes on PostgreSQL: each statement takes the whole chunk as arrays (unnest), in one round trip.</summary>
internal sealed class SubscriptionImportPostgres(AlertsDbContext db) : SubscriptionImportStore(db)
{
    private static readonly string Upsert = $"""
        {InsertColumns}
        SELECT r.*, @now, @now, 0
        FROM unnest(@id, @endpoint, @hash, @p256dh, @auth, @token, @mode, @frequency, @at, @quietFrom, @quietTo, @zone, @paused, @next)
          AS r(id, endpoint, hash, p256dh, auth, token, mode, frequency, digest_at, quiet_from, quiet_to, zone, paused, next_digest)
        {string.Format(OnConflictTemplate, "IS DISTINCT FROM")}
        """;

    protected override async Task<int> WriteOrderedAsync(List<SubscriptionImportRow> rows, DateTime now, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)Db.Database.GetDbConnection();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var idByHash = new Dictionary<string, Guid>(rows.Count, StringComparer.Ordinal);
        await using (var upsert = new NpgsqlCommand(Upsert, connection, transaction))
        {
            upsert.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.TimestampTz) { TypedValue = now });
            Add(upsert, "id", NpgsqlDbType.Uuid, rows.Select(r => r.Id));
            Add(upsert, "endpoint", NpgsqlDbType.Varchar, rows.Select(r => r.Target.Endpoint));
            Add(upsert, "hash", NpgsqlDbType.Varchar, rows.Select(r => r.EndpointHash));
            Add(upsert, "p256dh", NpgsqlDbType.Varchar, rows.Select(r => r.Target.P256dh));
            Add(upsert, "auth", NpgsqlDbType.Varchar, rows.Select(r => r.Target.Auth));
            Add(upsert, "token", NpgsqlDbType.Varchar, rows.Select(r => r.TokenHash));
            Add(upsert, "mode", NpgsqlDbType.Varchar, rows.Select(ModeText));
            Add(upsert, "frequency", NpgsqlDbType.Varchar, rows.Select(FrequencyText));
            Add(upsert, "at", NpgsqlDbType.Time, rows.Select(r => r.Preferences.DigestAt));
            Add(upsert, "quietFrom", NpgsqlDbType.Time, rows.Select(r => r.Preferences.QuietFrom));
            Add(upsert, "quietTo", NpgsqlDbType.Time, rows.Select(r => r.Preferences.QuietTo));
            Add(upsert, "zone", NpgsqlDbType.Varchar, rows.Select(r => r.Preferences.TimeZone));
            Add(upsert, "paused", NpgsqlDbType.Boolean, rows.Select(r => r.Preferences.Paused));
            Add(upsert, "next", NpgsqlDbType.TimestampTz, rows.Select(r => r.NextDigestAt));
            await using var reader = await upsert.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) idByHash[reader.GetString(1)] = reader.GetGuid(0);
        }

        var updated = rows.Where(r => idByHash[r.EndpointHash] != r.Id).Select(r => idByHash[r.EndpointHash]).ToArray();
        var sectionIds = rows.SelectMany(r => r.Preferences.Sections.Select(_ => idByHash[r.EndpointHash])).ToArray();
        var sectionNames = rows.SelectMany(r => r.Preferences.Sections).ToArray();
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (updated.Length > 0)
        {
            // Only the sections a known subscriber no longer wants go; a re-import of the same choice writes nothing.
            var delete = new NpgsqlBatchCommand("""
                DELETE FROM subscription_sections WHERE "SubscriptionId" = ANY(@updated)
                  AND ("SubscriptionId", "SectionId") NOT IN (SELECT * FROM unnest(@ids, @sections))
                """);
            delete.Parameters.Add(new NpgsqlParameter<Guid[]>("updated", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { TypedValue = updated });
            AddSections(delete, sectionIds, sectionNames);
            batch.BatchCommands.Add(delete);
        }
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO subscription_sections ("SubscriptionId", "SectionId") SELECT * FROM unnest(@ids, @sections) ON CONFLICT DO NOTHING
            """);
        AddSections(insert, sectionIds, sectionNames);
        batch.BatchCommands.Add(insert);
        await batch.ExecuteNonQueryAsync(cancellationToken);

        await transaction.CommitAsync(cancellationToken);
        return rows.Count - updated.Length;
    }

    private static void AddSections(NpgsqlBatchCommand command, Guid[] ids, string[] sections)
    {
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { TypedValue = ids });
        command.Parameters.Add(new NpgsqlParameter<string[]>("sections", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { TypedValue = sections });
    }

    private static void Add<T>(NpgsqlCommand command, string name, NpgsqlDbType type, IEnumerable<T> values) =>
        command.Parameters.Add(new NpgsqlParameter<T[]>(name, NpgsqlDbType.Array | type) { TypedValue = values.ToArray() });
}
