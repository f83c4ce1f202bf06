using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

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
    private const int LinesPerRequest = 200_000;

    public enum Kind { Instant, HourlyDigest }

    public static int SmallSectionReaders(int readers) => (readers + SmallSectionEvery - 1) / SmallSectionEvery;

    /// <returns>How the readers were stored, for the report.</returns>
    public static async Task<string> SeedAsync(
        Deployment deployment, PushSink sink, SubscriberKeyPool keys, int readers, Kind kind, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await ImportThroughApiAsync(deployment, sink, keys, readers, kind, cancellationToken);
        const string how = "POST /api/admin/subscriptions/import";
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

    /// <summary>
    /// NDJSON through the admin import route, streamed as it is generated; one request per
    /// <see cref="LinesPerRequest"/> lines keeps each body under the route's 100 MB limit.
    /// </summary>
    private static async Task ImportThroughApiAsync(
        Deployment deployment, PushSink sink, SubscriberKeyPool keys, int readers, Kind kind, CancellationToken cancellationToken)
    {
        using var admin = deployment.Api.Client(Deployment.AdminKey);
        admin.Timeout = TimeSpan.FromMinutes(10);
        for (var from = 0; from < readers; from += LinesPerRequest)
        {
            var until = Math.Min(readers, from + LinesPerRequest);
            using var content = new NdjsonContent(from, until, reader => SubscribeBody(sink, keys, reader, kind));
            using var response = await admin.PostAsync("/api/admin/subscriptions/import", content, cancellationToken);
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"POST /api/admin/subscriptions/import answered {(int)response.StatusCode}: {answer}");
            using var json = JsonDocument.Parse(answer);
            if (json.RootElement.GetProperty("rejected").GetInt32() > 0)
                throw new InvalidOperationException($"The import rejected lines: {answer[..Math.Min(answer.Length, 2000)]}");
        }
    }

    /// <summary>Writes lines [from, until) as they are generated: the body is never held whole.</summary>
    private sealed class NdjsonContent : HttpContent
    {
        private readonly int from;
        private readonly int until;
        private readonly Func<int, string> line;

        public NdjsonContent(int from, int until, Func<int, string> line)
        {
            (this.from, this.until, this.line) = (from, until, line);
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            // The request stream belongs to HttpClient: flushed, not disposed.
            var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            await using (writer.ConfigureAwait(false))
            {
                for (var reader = from; reader < until; reader++) await writer.WriteAsync(line(reader) + "\n");
                await writer.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
