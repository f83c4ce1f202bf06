using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Alerts.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Alerts.Notifications;

/// <summary>One push service's share of an alert: its readers' outcomes, how many showed it, and its median answer time.</summary>
public sealed record ServiceFigures(string Host, int Sent, int Failed, int Gone, int Displayed, long? P50Ms);

/// <summary>How fast an alert reached its readers, overall and per push service.</summary>
/// <param name="TimeToPercent">For 50, 90 and 99: milliseconds from the alert's acceptance (or its due time, when scheduled) until
/// the push services had answered for that share of the targeted readers; null until they have.</param>
public sealed record AlertSpeedFigures(IReadOnlyDictionary<string, long?> TimeToPercent, IReadOnlyList<ServiceFigures> ByService);

/// <summary>
/// Reads an alert's speed from its delivery ledger rows (the answer time and host each push's outcome was
/// recorded with): one aggregate statement, the same on PostgreSQL and SQLite. The overall percentiles are
/// nearest-rank over the targeted readers (the k-th answer, k = ⌈p·targeted⌉), so a share not yet answered
/// shows null instead of a figure over the readers answered so far; each service's median is the middle of
/// its answers (the mean of the two middle ones for an even count).
/// </summary>
public static class AlertSpeed
{
    public static readonly int[] Percents = [50, 90, 99];

    // Rows with a host went to a push service; those without an answer time (a refused key, a retry in
    // progress) sort after the answered ones, so the first ranks are the answers in time order.
    private const string Sql = """
        WITH pushed AS (
          SELECT "Host" AS host, "Outcome" AS outcome, "AnsweredAt" AS answered, "DisplayedAt" AS shown,
                 row_number() OVER (ORDER BY ("AnsweredAt" IS NULL), "AnsweredAt") AS overall_rank,
                 row_number() OVER (PARTITION BY "Host" ORDER BY ("AnsweredAt" IS NULL), "AnsweredAt") AS host_rank,
                 count("AnsweredAt") OVER (PARTITION BY "Host") AS host_answered
          FROM deliveries WHERE "NotificationId" = @n AND "Host" IS NOT NULL)
        SELECT host,
          sum(CASE WHEN outcome = 'Sent' THEN 1 ELSE 0 END),
          sum(CASE WHEN outcome = 'Failed' THEN 1 ELSE 0 END),
          sum(CASE WHEN outcome = 'Gone' THEN 1 ELSE 0 END),
          count(shown),
          max(CASE WHEN host_answered > 0 AND host_rank = (host_answered + 1) / 2 THEN answered END),
          max(CASE WHEN host_answered > 0 AND host_rank = host_answered / 2 + 1 THEN answered END),
          max(CASE WHEN overall_rank = @k50 THEN answered END),
          max(CASE WHEN overall_rank = @k90 THEN answered END),
          max(CASE WHEN overall_rank = @k99 THEN answered END)
        FROM pushed GROUP BY host ORDER BY host
        """;

    /// <summary>Figures read faster than this are read again on every request: exact for all but large alerts.</summary>
    public static readonly TimeSpan KeepWhenSlowerThan = TimeSpan.FromMilliseconds(50);

    public static readonly TimeSpan LongestKept = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The statement ranks every ledger row of the alert: about 3 s for a million readers on a 2-core
    /// machine, while the console asks every second. So figures that were slow to read are kept ten times
    /// as long as they took (half a minute for a million readers), and the store is not kept busy ranking.
    /// </summary>
    public static async Task<AlertSpeedFigures> ReadCachedAsync(IMemoryCache cache, AlertsDbContext db, Notification notification, CancellationToken cancellationToken)
    {
        var key = (nameof(AlertSpeed), notification.Id);
        if (cache.TryGetValue(key, out AlertSpeedFigures? kept) && kept is not null) return kept;
        var started = Stopwatch.GetTimestamp();
        var figures = await ReadAsync(db, notification, cancellationToken);
        if (KeepFor(Stopwatch.GetElapsedTime(started)) is { } keep) cache.Set(key, figures, keep);
        return figures;
    }

    /// <summary>How long figures that took <paramref name="readTime"/> to read are kept; null: not at all.</summary>
    public static TimeSpan? KeepFor(TimeSpan readTime) =>
        readTime < KeepWhenSlowerThan ? null : readTime * 10 < LongestKept ? readTime * 10 : LongestKept;

    public static async Task<AlertSpeedFigures> ReadAsync(AlertsDbContext db, Notification notification, CancellationToken cancellationToken)
    {
        var from = notification.DueAt;
        var ranks = Percents.Select(p => notification.Targeted == 0 ? 0 : (long)Math.Ceiling(p * (long)notification.Targeted / 100.0)).ToArray();
        var reached = new DateTime?[Percents.Length];
        var services = new List<ServiceFigures>();

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = Sql;
            Add(command, "n", db.IsPostgres ? notification.Id : SqliteText.Of(notification.Id));
            for (var i = 0; i < Percents.Length; i++) Add(command, $"k{Percents[i]}", ranks[i]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var low = TimeAt(reader, 5);
                var high = TimeAt(reader, 6);
                long? median = low is { } l && high is { } h ? (long)Math.Round(((l - from).TotalMilliseconds + (h - from).TotalMilliseconds) / 2) : null;
                services.Add(new ServiceFigures(reader.GetString(0), Int(reader, 1), Int(reader, 2), Int(reader, 3), Int(reader, 4), median));
                for (var i = 0; i < Percents.Length; i++) reached[i] ??= TimeAt(reader, 7 + i);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        var timeToPercent = new Dictionary<string, long?>();
        for (var i = 0; i < Percents.Length; i++)
            timeToPercent[Percents[i].ToString(CultureInfo.InvariantCulture)] =
                reached[i] is { } at ? Math.Max(0, (long)Math.Round((at - from).TotalMilliseconds)) : null;
        return new AlertSpeedFigures(timeToPercent, services);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static int Int(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0 : Convert.ToInt32(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    /// <summary>PostgreSQL returns a timestamp; SQLite the text EF Core stores times as.</summary>
    private static DateTime? TimeAt(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal)
        ? null
        : reader.GetValue(ordinal) switch
        {
            DateTime time => DateTime.SpecifyKind(time, DateTimeKind.Utc),
            string text => DateTime.SpecifyKind(DateTime.Parse(text, CultureInfo.InvariantCulture), DateTimeKind.Utc),
            var other => throw new InvalidOperationException($"Unexpected answer time {other.GetType().Name}"),
        };
}
