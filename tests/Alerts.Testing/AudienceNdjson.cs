using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Alerts.Testing;

/// <summary>
/// A body for <c>POST /api/admin/subscriptions/import</c> (or a file for <c>import-subscriptions</c>):
/// <paramref name="lines"/> subscribe bodies with distinct endpoints on a push service, their keys
/// drawn in turn from a pool of real key pairs (making a P-256 pair per line would take longer than
/// the import itself). Lines are written as the request is sent, without a length, so a million
/// lines never sit in memory. With a <see cref="FakePushService"/> every endpoint is registered
/// there, so pushes to the imported readers decrypt.
/// </summary>
public sealed class AudienceNdjson : HttpContent
{
    public const string MediaType = "application/x-ndjson";

    private readonly int _lines;
    private readonly Func<int, string> _endpointOf;
    private readonly IReadOnlyList<TestSubscriber> _keys;
    private readonly string[] _sections;
    private readonly int _bufferLines;

    public AudienceNdjson(int lines, Func<int, string> endpointOf, IReadOnlyList<TestSubscriber> keys, string[] sections, int bufferLines = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lines);
        ArgumentOutOfRangeException.ThrowIfZero(keys.Count);
        (_lines, _endpointOf, _keys, _sections, _bufferLines) = (lines, endpointOf, keys, sections, bufferLines);
        Headers.ContentType = new MediaTypeHeaderValue(MediaType);
    }

    /// <summary>Readers on <paramref name="push"/>, each with an endpoint of its own; <paramref name="keyPool"/> key pairs shared among them.</summary>
    public static AudienceNdjson For(FakePushService push, int lines, string[] sections, int keyPool = 1000)
    {
        var keys = KeyPool(Math.Min(keyPool, Math.Max(lines, 1)));
        return new AudienceNdjson(lines, i => push.EndpointFor(Guid.NewGuid(), keys[i % keys.Count]), keys, sections);
    }

    /// <summary>Readers on a push service origin nothing answers for (enough to measure the import alone).</summary>
    public static AudienceNdjson ForOrigin(string origin, int lines, string[] sections, int keyPool = 1000) =>
        new(lines, _ => $"{origin.TrimEnd('/')}/push/{Guid.NewGuid()}", KeyPool(Math.Min(keyPool, Math.Max(lines, 1))), sections);

    public static IReadOnlyList<TestSubscriber> KeyPool(int size) => Enumerable.Range(0, size).Select(_ => TestSubscriber.Create()).ToArray();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var buffer = new StringBuilder();
        for (var i = 0; i < _lines; i++)
        {
            var keys = _keys[i % _keys.Count];
            buffer.Append(JsonSerializer.Serialize(new
            {
                subscription = new { endpoint = _endpointOf(i), expirationTime = (object?)null, keys = new { p256dh = keys.P256dh, auth = keys.Auth } },
                sections = _sections,
                delivery = new { mode = "instant" },
                timeZone = "UTC",
            })).Append('\n');
            if ((i + 1) % _bufferLines != 0 && i + 1 < _lines) continue;
            await stream.WriteAsync(Encoding.UTF8.GetBytes(buffer.ToString())).ConfigureAwait(false);
            buffer.Clear();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
