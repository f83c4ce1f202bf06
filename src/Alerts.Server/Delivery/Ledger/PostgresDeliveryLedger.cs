using Alerts.Contracts;
using Alerts.Notifications;
using Alerts.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Alerts.Delivery.Ledger;

/// <summary>
/// The ledger on PostgreSQL: the claim and the subscriptions' details in one statement, and each write
/// (outcomes, counters, subscription upkeep, retry batches, the finished outbox row) as one batch, which
/// PostgreSQL runs as one implicit transaction in one round trip.
/// </summary>
internal sealed class PostgresDeliveryLedger(AlertsDbContext db) : DeliveryLedger(db)
{
    public override async Task<IReadOnlyList<ClaimedReader>> ClaimAsync(
        Notification notification, DeliverNotificationBatch batch, Guid token, DateTime now, DateTime leaseUntil, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)await OpenAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand($"""
                WITH claimed AS (
                  {InsertClaimColumns}
                  SELECT @n, c.id, 'Claimed', @article, @now, @token, @lease, @attempt, @variant FROM unnest(@ids) AS c(id)
                  WHERE {OnlyWhileSending}
                  {ClaimConflict}
                  RETURNING "SubscriptionId")
                SELECT c."SubscriptionId", {SubscriptionColumns}
                FROM claimed c LEFT JOIN subscriptions s ON s."Id" = c."SubscriptionId"
                """, connection);
            command.Parameters.AddWithValue("n", notification.Id);
            command.Parameters.Add(new NpgsqlParameter("article", NpgsqlDbType.Varchar) { Value = (object?)notification.ArticleId ?? DBNull.Value });
            command.Parameters.AddWithValue("now", now);
            command.Parameters.AddWithValue("token", token);
            command.Parameters.AddWithValue("lease", leaseUntil);
            command.Parameters.AddWithValue("attempt", batch.Attempt);
            command.Parameters.Add(new NpgsqlParameter("variant", NpgsqlDbType.Integer) { Value = (object?)batch.Variant ?? DBNull.Value });
            command.Parameters.AddWithValue("ids", batch.SubscriptionIds.ToArray());
            var claimed = new List<ClaimedReader>(batch.SubscriptionIds.Count);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) claimed.Add(ReadClaimed(reader, reader.GetGuid(0)));
            return claimed;
        }
        finally
        {
            await CloseAsync();
        }
    }

    public override async Task<IReadOnlyList<(Guid SubscriptionId, DateTime LeaseUntil)>> HeldElsewhereAsync(
        Guid notificationId, IReadOnlyList<Guid> subscriptionIds, Guid token, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)await OpenAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("""
                SELECT "SubscriptionId", "LeaseUntil" FROM deliveries
                WHERE "NotificationId" = @n AND "SubscriptionId" = ANY(@ids) AND "Outcome" = 'Claimed' AND "ClaimToken" <> @token
                """, connection);
            command.Parameters.AddWithValue("n", notificationId);
            command.Parameters.AddWithValue("ids", subscriptionIds.ToArray());
            command.Parameters.AddWithValue("token", token);
            var held = new List<(Guid, DateTime)>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) held.Add((reader.GetGuid(0), reader.GetDateTime(1)));
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
        var connection = (NpgsqlConnection)await OpenAsync(cancellationToken);
        try
        {
            await using var batch = new NpgsqlBatch(connection);
            var outcomes = new NpgsqlBatchCommand("""
                WITH written AS (
                  UPDATE deliveries AS d SET "Outcome" = v.o, "HeldUntil" = v.h, "HeldBy" = v.hb, "At" = @now, "LeaseUntil" = NULL, "AnsweredAt" = v.a, "Host" = v.host
                  FROM unnest(@subs, @outcomes, @held, @heldby, @answered, @hosts) AS v(s, o, h, hb, a, host)
                  WHERE d."NotificationId" = @n AND d."SubscriptionId" = v.s AND d."ClaimToken" = @token AND d."Outcome" = 'Claimed'
                  RETURNING v.o AS o)
                UPDATE notifications SET
                  "Sent" = "Sent" + (SELECT count(*) FROM written WHERE o = 'Sent'),
                  "Failed" = "Failed" + (SELECT count(*) FROM written WHERE o = 'Failed'),
                  "Gone" = "Gone" + (SELECT count(*) FROM written WHERE o = 'Gone'),
                  "Expired" = "Expired" + (SELECT count(*) FROM written WHERE o = 'Expired'),
                  "Held" = "Held" + (SELECT count(*) FROM written WHERE o = 'Held')
                WHERE "Id" = @n
                RETURNING "Planned", "Status", "Targeted", "Sent" + "Failed" + "Gone" + "Expired" + "Held"
                """);
            outcomes.Parameters.AddWithValue("n", notificationId);
            outcomes.Parameters.AddWithValue("now", now);
            outcomes.Parameters.AddWithValue("token", token);
            outcomes.Parameters.AddWithValue("subs", write.Entries.Select(e => e.SubscriptionId).ToArray());
            outcomes.Parameters.AddWithValue("outcomes", write.Entries.Select(e => e.Outcome.ToString()).ToArray());
            outcomes.Parameters.Add(new NpgsqlParameter("held", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
            {
                Value = write.Entries.Select(e => e.HeldUntil).ToArray(),
            });
            outcomes.Parameters.Add(new NpgsqlParameter("heldby", NpgsqlDbType.Array | NpgsqlDbType.Varchar)
            {
                Value = write.Entries.Select(e => e.HeldBy?.ToString()).ToArray(),
            });
            outcomes.Parameters.Add(new NpgsqlParameter("answered", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
            {
                Value = write.Entries.Select(e => e.AnsweredAt).ToArray(),
            });
            outcomes.Parameters.Add(new NpgsqlParameter("hosts", NpgsqlDbType.Array | NpgsqlDbType.Varchar)
            {
                Value = write.Entries.Select(e => e.Host).ToArray(),
            });
            batch.BatchCommands.Add(outcomes);

            if (write.Gone.Count > 0)
                batch.BatchCommands.Add(WithIds("""DELETE FROM subscriptions WHERE "Id" = ANY(@ids)""", write.Gone));
            if (write.Rejected.Count > 0)
            {
                batch.BatchCommands.Add(WithIds("""UPDATE subscriptions SET "ConsecutiveFailures" = "ConsecutiveFailures" + 1 WHERE "Id" = ANY(@ids)""", write.Rejected));
                var remove = WithIds("""DELETE FROM subscriptions WHERE "Id" = ANY(@ids) AND "ConsecutiveFailures" >= @limit""", write.Rejected);
                remove.Parameters.AddWithValue("limit", removeAfterFailures);
                batch.BatchCommands.Add(remove);
            }
            if (write.Recovered.Count > 0)
                batch.BatchCommands.Add(WithIds("""UPDATE subscriptions SET "ConsecutiveFailures" = 0 WHERE "Id" = ANY(@ids)""", write.Recovered));
            foreach (var row in write.Outbox)
            {
                var insert = new NpgsqlBatchCommand(InsertOutbox);
                insert.Parameters.AddWithValue("kind", row.Kind.ToString());
                insert.Parameters.AddWithValue("n", row.NotificationId);
                insert.Parameters.AddWithValue("body", row.Body);
                insert.Parameters.AddWithValue("created", row.CreatedAt);
                insert.Parameters.AddWithValue("available", row.AvailableAt);
                insert.Parameters.Add(new NpgsqlParameter("trace", NpgsqlDbType.Varchar) { Value = (object?)row.TraceParent ?? DBNull.Value });
                batch.BatchCommands.Add(insert);
            }
            if (write.FinishedOutboxId is { } finished)
            {
                var delete = new NpgsqlBatchCommand("""DELETE FROM outbox_messages WHERE "Id" = @id""");
                delete.Parameters.AddWithValue("id", finished);
                batch.BatchCommands.Add(delete);
            }

            NotificationTally? tally = null;
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                    tally = new NotificationTally(reader.GetBoolean(0), Enum.Parse<NotificationStatus>(reader.GetString(1)), reader.GetInt32(2), Convert.ToInt32(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture));
                while (await reader.NextResultAsync(cancellationToken)) { }
            }
            return tally;
        }
        finally
        {
            await CloseAsync();
        }
    }

    private static NpgsqlBatchCommand WithIds(string sql, List<Guid> ids)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        return command;
    }
}
