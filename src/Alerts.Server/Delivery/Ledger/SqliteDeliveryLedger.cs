using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Alerts.Contracts;
using Alerts.Notifications;
using Alerts.Storage;
using Microsoft.Data.Sqlite;

namespace Alerts.Delivery.Ledger;

/// <summary>
/// The ledger on SQLite (the embedded mode): the same statements, with lists passed as JSON arrays
/// (json_each) and each write in one transaction. Values are written the way EF Core stores them:
/// GUIDs as upper-case text, times as "yyyy-MM-dd HH:mm:ss.FFFFFFF".
/// </summary>
internal sealed class SqliteDeliveryLedger(AlertsDbContext db) : DeliveryLedger(db)
{
    public override async Task<IReadOnlyList<ClaimedReader>> ClaimAsync(
        Notification notification, DeliverNotificationBatch batch, Guid token, DateTime now, DateTime leaseUntil, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var claimedIds = new List<Guid>();
            await using (var claim = Command(connection, transaction, $"""
                {InsertClaimColumns}
                SELECT @n, c.value, 'Claimed', @article, @now, @token, @lease, @attempt, @variant FROM json_each(@ids) AS c
                WHERE {OnlyWhileSending}
                {ClaimConflict}
                RETURNING "SubscriptionId"
                """))
            {
                Add(claim, "n", notification.Id);
                Add(claim, "article", notification.ArticleId);
                Add(claim, "now", now);
                Add(claim, "token", token);
                Add(claim, "lease", leaseUntil);
                Add(claim, "attempt", batch.Attempt);
                Add(claim, "variant", batch.Variant);
                Add(claim, "ids", Ids(batch.SubscriptionIds));
                await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) claimedIds.Add(Guid.Parse(reader.GetString(0)));
            }

            var details = new Dictionary<Guid, ClaimedReader>();
            await using (var read = Command(connection, transaction, $"""
                SELECT s."Id", {SubscriptionColumns} FROM subscriptions s WHERE s."Id" IN (SELECT value FROM json_each(@ids))
                """))
            {
                Add(read, "ids", Ids(claimedIds));
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var id = Guid.Parse(reader.GetString(0));
                    details[id] = ReadClaimed(reader, id);
                }
            }
            await transaction.CommitAsync(cancellationToken);
            return claimedIds.Select(id => details.GetValueOrDefault(id) ?? new ClaimedReader(id, null, null, null, null, 0)).ToList();
        }
        finally
        {
            await CloseAsync();
        }
    }

    public override async Task<IReadOnlyList<(Guid SubscriptionId, DateTime LeaseUntil)>> HeldElsewhereAsync(
        Guid notificationId, IReadOnlyList<Guid> subscriptionIds, Guid token, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            await using var command = Command(connection, null, """
                SELECT "SubscriptionId", "LeaseUntil" FROM deliveries
                WHERE "NotificationId" = @n AND "SubscriptionId" IN (SELECT value FROM json_each(@ids)) AND "Outcome" = 'Claimed' AND "ClaimToken" <> @token
                """);
            Add(command, "n", notificationId);
            Add(command, "ids", Ids(subscriptionIds));
            Add(command, "token", token);
            var held = new List<(Guid, DateTime)>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                held.Add((Guid.Parse(reader.GetString(0)), DateTime.SpecifyKind(DateTime.Parse(reader.GetString(1), CultureInfo.InvariantCulture), DateTimeKind.Utc)));
            return held;
        }
        finally
        {
            await CloseAsync();
        }
    }

    public override async Task<NotificationTally?> RecordAsync(
        Guid notificationId, Guid token, LedgerWrite write, DateTime now, int removeAfterFailures, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var written = new List<DeliveryOutcome>();
            await using (var update = Command(connection, transaction, """
                UPDATE deliveries AS d SET "Outcome" = v.o, "HeldUntil" = v.h, "HeldBy" = v.hb, "At" = @now, "LeaseUntil" = NULL, "AnsweredAt" = v.a, "Host" = v.host
                FROM (SELECT json_extract(value, '$[0]') AS s, json_extract(value, '$[1]') AS o, json_extract(value, '$[2]') AS h,
                        json_extract(value, '$[3]') AS a, json_extract(value, '$[4]') AS host, json_extract(value, '$[5]') AS hb FROM json_each(@rows)) AS v
                WHERE d."NotificationId" = @n AND d."SubscriptionId" = v.s AND d."ClaimToken" = @token AND d."Outcome" = 'Claimed'
                RETURNING "Outcome"
                """))
            {
                Add(update, "n", notificationId);
                Add(update, "now", now);
                Add(update, "token", token);
                Add(update, "rows", JsonSerializer.Serialize(write.Entries.Select(e => new[] { SqliteText.Of(e.SubscriptionId), e.Outcome.ToString(), e.HeldUntil is { } h ? SqliteText.Of(h) : null, e.AnsweredAt is { } a ? SqliteText.Of(a) : null, e.Host, e.HeldBy?.ToString() })));
                await using var reader = await update.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) written.Add(Enum.Parse<DeliveryOutcome>(reader.GetString(0)));
            }

            NotificationTally? tally = null;
            await using (var counters = Command(connection, transaction, """
                UPDATE notifications SET "Sent" = "Sent" + @sent, "Failed" = "Failed" + @failed, "Gone" = "Gone" + @gone,
                  "Expired" = "Expired" + @expired, "Held" = "Held" + @held
                WHERE "Id" = @n
                RETURNING "Planned", "Status", "Targeted", "Sent" + "Failed" + "Gone" + "Expired" + "Held"
                """))
            {
                Add(counters, "n", notificationId);
                foreach (var (name, outcome) in new[] { ("sent", DeliveryOutcome.Sent), ("failed", DeliveryOutcome.Failed), ("gone", DeliveryOutcome.Gone), ("expired", DeliveryOutcome.Expired), ("held", DeliveryOutcome.Held) })
                    Add(counters, name, written.Count(o => o == outcome));
                await using var reader = await counters.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                    tally = new NotificationTally(reader.GetBoolean(0), Enum.Parse<NotificationStatus>(reader.GetString(1)), reader.GetInt32(2), reader.GetInt32(3));
            }

            if (write.Gone.Count > 0)
                await ExecuteAsync(connection, transaction, """DELETE FROM subscriptions WHERE "Id" IN (SELECT value FROM json_each(@ids))""", write.Gone, null, cancellationToken);
            if (write.Rejected.Count > 0)
            {
                await ExecuteAsync(connection, transaction, """UPDATE subscriptions SET "ConsecutiveFailures" = "ConsecutiveFailures" + 1 WHERE "Id" IN (SELECT value FROM json_each(@ids))""", write.Rejected, null, cancellationToken);
                await ExecuteAsync(connection, transaction, """DELETE FROM subscriptions WHERE "Id" IN (SELECT value FROM json_each(@ids)) AND "ConsecutiveFailures" >= @limit""", write.Rejected, removeAfterFailures, cancellationToken);
            }
            if (write.Recovered.Count > 0)
                await ExecuteAsync(connection, transaction, """UPDATE subscriptions SET "ConsecutiveFailures" = 0 WHERE "Id" IN (SELECT value FROM json_each(@ids))""", write.Recovered, null, cancellationToken);
            foreach (var row in write.Outbox)
            {
                await using var insert = Command(connection, transaction, InsertOutbox);
                Add(insert, "kind", row.Kind.ToString());
                Add(insert, "n", row.NotificationId);
                Add(insert, "body", row.Body);
                Add(insert, "created", row.CreatedAt);
                Add(insert, "available", row.AvailableAt);
                Add(insert, "trace", row.TraceParent);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            if (write.FinishedOutboxId is { } finished)
            {
                await using var delete = Command(connection, transaction, """DELETE FROM outbox_messages WHERE "Id" = @id""");
                Add(delete, "id", finished);
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return tally;
        }
        finally
        {
            await CloseAsync();
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, List<Guid> ids, int? limit, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        Add(command, "ids", Ids(ids));
        if (limit is { } value) Add(command, "limit", value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static void Add(DbCommand command, string name, object? value) =>
        ((SqliteCommand)command).Parameters.AddWithValue("@" + name, value switch
        {
            null => DBNull.Value,
            Guid guid => SqliteText.Of(guid),
            DateTime time => SqliteText.Of(time),
            _ => value,
        });

    private static string Ids(IEnumerable<Guid> ids) => JsonSerializer.Serialize(ids.Select(SqliteText.Of));
}
