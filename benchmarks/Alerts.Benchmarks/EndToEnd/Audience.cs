using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Alerts.Benchmarks.EndToEnd;

/// <summary>
/// The readers of a run: reader n has the endpoint <c>{sink}/push/n</c> and key pair n mod the pool. Instant
/// readers follow World, and one in <see cref="SmallSectionEvery"/> also Sports (the small audience of the
/// first-push latency alerts); digest readers get an hourly digest of World.
/// </summary>
internal static class Audience
{
    public const string EveryoneSection = "world";
    public const string SmallSection = "sports";
    public const int SmallSectionEvery = 1000;
    private const int ImportChunk = 5_000;

    public enum Kind { Instant, HourlyDigest }

    public static int SmallSectionReaders(int readers) => (readers + SmallSectionEvery - 1) / SmallSectionEvery;

    /// <returns>How the readers were stored, for the report.</returns>
    public static async Task<string> SeedAsync(
        Deployment deployment, PushSink sink, SubscriberKeyPool keys, int readers, Kind kind, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var how = await ImportThroughApiAsync(deployment, sink, keys, readers, kind, cancellationToken)
            ? "POST /api/admin/subscriptions/import"
            : await SeedWithSqlCopyUntilImportLandsAsync(deployment, sink, keys, readers, kind, cancellationToken);
        var stored = await deployment.ScalarAsync<long>("SELECT count(*) FROM subscriptions", cancellationToken);
        if (stored != readers) throw new InvalidOperationException($"{readers} readers were seeded through {how}, but the store holds {stored}.");
        return $"{how}, {Report.Number(readers / clock.Elapsed.TotalSeconds)} readers/s";
    }

    public static string SubscribeBody(PushSink sink, SubscriberKeyPool keys, int reader, Kind kind)
    {
        var key = keys.For(reader);
        var sections = kind == Kind.Instant && reader % SmallSectionEvery == 0 ? new[] { EveryoneSection, SmallSection } : [EveryoneSection];
        object delivery = kind == Kind.Instant ? new { mode = "instant" } : new { mode = "digest", frequency = "hourly", at = "00:00" };
        return JsonSerializer.Serialize(new
        {
            subscription = new { endpoint = sink.EndpointFor(reader), keys = new { p256dh = key.P256dh, auth = key.Auth } },
            sections,
            delivery,
        });
    }

    /// <summary>NDJSON through the admin import, in chunks. False when the route does not exist (yet) and nothing was imported.</summary>
    private static async Task<bool> ImportThroughApiAsync(
        Deployment deployment, PushSink sink, SubscriberKeyPool keys, int readers, Kind kind, CancellationToken cancellationToken)
    {
        using var admin = deployment.Api.Client(Deployment.AdminKey);
        admin.Timeout = TimeSpan.FromMinutes(10);
        // An empty body tells whether the route exists without importing anything (a large one could meet a body limit first).
        using (var probe = new StringContent("", Encoding.UTF8, "application/x-ndjson"))
        using (var probed = await admin.PostAsync("/api/admin/subscriptions/import", probe, cancellationToken))
            if (probed.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed) return false;
        var chunk = ImportChunk;
        for (var from = 0; from < readers;)
        {
            var until = Math.Min(readers, from + chunk);
            var body = new StringBuilder();
            for (var reader = from; reader < until; reader++) body.Append(SubscribeBody(sink, keys, reader, kind)).Append('\n');
            using var content = new StringContent(body.ToString(), Encoding.UTF8, "application/x-ndjson");
            using var response = await admin.PostAsync("/api/admin/subscriptions/import", content, cancellationToken);
            if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge && chunk > 1)
            {
                // Past the route's body limit: smaller chunks.
                chunk /= 2;
                continue;
            }
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"POST /api/admin/subscriptions/import answered {(int)response.StatusCode}: {answer}");
            using var json = JsonDocument.Parse(answer);
            if (json.RootElement.TryGetProperty("rejected", out var rejected) && rejected.GetInt32() > 0)
                throw new InvalidOperationException($"The import rejected lines: {answer[..Math.Min(answer.Length, 2000)]}");
            from = until;
        }
        return true;
    }

    /// <summary>
    /// TEMPORARY, until POST /api/admin/subscriptions/import is on main: writes the same subscriptions
    /// straight into the store with COPY, as the registry would (canonical endpoint and keys, endpoint
    /// hash, a token hash nobody holds). Delete it once the import route lands; the benchmark already
    /// prefers the route whenever the server answers it.
    /// </summary>
    private static async Task<string> SeedWithSqlCopyUntilImportLandsAsync(
        Deployment deployment, PushSink sink, SubscriberKeyPool keys, int readers, Kind kind, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(deployment.StoreConnectionString);
        await connection.OpenAsync(cancellationToken);
        var now = DateTime.UtcNow;
        var ids = new Guid[readers];
        for (var i = 0; i < readers; i++) ids[i] = Guid.CreateVersion7();
        var nextHour = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc).AddHours(1);
        await using (var subscriptions = await connection.BeginBinaryImportAsync(
            "COPY subscriptions (\"Id\", \"Endpoint\", \"EndpointHash\", \"P256dh\", \"Auth\", \"TokenHash\", \"Mode\", \"DigestFrequency\", \"DigestAt\", " +
            "\"TimeZone\", \"Paused\", \"CreatedAt\", \"UpdatedAt\", \"ConsecutiveFailures\", \"NextDigestAt\") FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var reader = 0; reader < readers; reader++)
            {
                var endpoint = sink.EndpointFor(reader);
                var key = keys.For(reader);
                await subscriptions.StartRowAsync(cancellationToken);
                await subscriptions.WriteAsync(ids[reader], NpgsqlDbType.Uuid, cancellationToken);
                await subscriptions.WriteAsync(endpoint, NpgsqlDbType.Varchar, cancellationToken);
                await subscriptions.WriteAsync(Sha256Hex(endpoint), NpgsqlDbType.Varchar, cancellationToken);
                await subscriptions.WriteAsync(key.P256dh, NpgsqlDbType.Varchar, cancellationToken);
                await subscriptions.WriteAsync(key.Auth, NpgsqlDbType.Varchar, cancellationToken);
                await subscriptions.WriteAsync(Sha256Hex($"token-{ids[reader]}"), NpgsqlDbType.Varchar, cancellationToken);
                if (kind == Kind.Instant)
                {
                    await subscriptions.WriteAsync("Instant", NpgsqlDbType.Varchar, cancellationToken);
                    await subscriptions.WriteNullAsync(cancellationToken);
                    await subscriptions.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await subscriptions.WriteAsync("Digest", NpgsqlDbType.Varchar, cancellationToken);
                    await subscriptions.WriteAsync("Hourly", NpgsqlDbType.Varchar, cancellationToken);
                    await subscriptions.WriteAsync(new TimeOnly(0, 0), NpgsqlDbType.Time, cancellationToken);
                }
                await subscriptions.WriteAsync("UTC", NpgsqlDbType.Varchar, cancellationToken);
                await subscriptions.WriteAsync(false, NpgsqlDbType.Boolean, cancellationToken);
                await subscriptions.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
                await subscriptions.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
                await subscriptions.WriteAsync(0, NpgsqlDbType.Integer, cancellationToken);
                if (kind == Kind.Instant) await subscriptions.WriteNullAsync(cancellationToken);
                else await subscriptions.WriteAsync(nextHour, NpgsqlDbType.TimestampTz, cancellationToken);
            }
            await subscriptions.CompleteAsync(cancellationToken);
        }
        await using (var sections = await connection.BeginBinaryImportAsync(
            "COPY subscription_sections (\"SubscriptionId\", \"SectionId\") FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var reader = 0; reader < readers; reader++)
            {
                await sections.WriteRowAsync(cancellationToken, ids[reader], EveryoneSection);
                if (kind == Kind.Instant && reader % SmallSectionEvery == 0) await sections.WriteRowAsync(cancellationToken, ids[reader], SmallSection);
            }
            await sections.CompleteAsync(cancellationToken);
        }
        await using (var analyze = new NpgsqlCommand("ANALYZE subscriptions; ANALYZE subscription_sections", connection))
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        return "SQL COPY (temporary, until the import route is on main)";
    }

    private static string Sha256Hex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
