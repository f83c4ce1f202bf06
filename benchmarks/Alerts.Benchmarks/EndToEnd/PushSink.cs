using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Alerts.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alerts.Benchmarks.EndToEnd;

/// <summary>
/// A push service on loopback that costs as little as possible: <c>POST /push/{reader}</c> is read and
/// answered 201 at once, counted per reader with its arrival time; one push in 50 is decrypted with the
/// reader's private key to check that what arrives is a real push.
/// </summary>
internal sealed class PushSink : IAsyncDisposable
{
    public const int CheckEvery = 50;

    private readonly WebApplication _app;
    private readonly SubscriberKeyPool _keys;
    private volatile SinkRound _round = new(0);

    private PushSink(WebApplication app, SubscriberKeyPool keys, string origin)
    {
        _app = app;
        _keys = keys;
        Origin = origin;
    }

    /// <summary><c>http://127.0.0.1:port</c>; reader n's endpoint is <c>{Origin}/push/n</c>.</summary>
    public string Origin { get; }

    public string EndpointFor(int reader) => $"{Origin}/push/{reader.ToString(CultureInfo.InvariantCulture)}";

    public static async Task<PushSink> StartAsync(SubscriberKeyPool keys)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.AddServerHeader = false;
        });
        var app = builder.Build();
        PushSink? sink = null;
        app.Run(context => sink!.HandleAsync(context));
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        sink = new PushSink(app, keys, address.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped));
        return sink;
    }

    /// <summary>Starts counting afresh for readers 0 to <paramref name="readers"/> − 1.</summary>
    public SinkRound StartRound(int readers) => _round = new SinkRound(readers);

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Method != "POST" || !request.Path.StartsWithSegments("/push", out var rest) ||
            !int.TryParse(rest.Value.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var reader))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var length = (int)(request.ContentLength ?? 4096);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await request.Body.ReadAsync(buffer.AsMemory(read))) > 0) read += n;
            var round = _round;
            if (round.Record(reader))
                round.Check(() => _keys.NotificationIdIn(reader, buffer.AsSpan(0, read).ToArray()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        context.Response.StatusCode = StatusCodes.Status201Created;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>What arrived since <see cref="PushSink.StartRound"/>: pushes per reader, first and last arrival, the decryption checks.</summary>
internal sealed class SinkRound(int readers)
{
    private readonly int[] _counts = new int[readers];
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _notifications = [];
    private long _total;
    private int _distinct;
    private int _outOfRange;
    private long _first;
    private long _last;
    private int _checked;
    private readonly List<string> _checkFailures = [];

    public int Readers => _counts.Length;
    public long Total => Interlocked.Read(ref _total);
    /// <summary>Readers who received at least one push.</summary>
    public int Distinct => Volatile.Read(ref _distinct);
    public int OutOfRange => Volatile.Read(ref _outOfRange);
    /// <summary><see cref="Stopwatch.GetTimestamp"/> of the first push, 0 before it.</summary>
    public long First => Interlocked.Read(ref _first);
    public long Last => Interlocked.Read(ref _last);
    public int Checked => Volatile.Read(ref _checked);

    public IReadOnlyList<string> CheckFailures
    {
        get { lock (_lock) return [.. _checkFailures]; }
    }

    /// <summary>Notification ids found in the decrypted sample, with how many samples carried each.</summary>
    public IReadOnlyDictionary<string, int> Notifications
    {
        get { lock (_lock) return new Dictionary<string, int>(_notifications); }
    }

    /// <returns>True when this push is one of the sample to decrypt.</returns>
    public bool Record(int reader)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref _first, now, 0);
        long last;
        while ((last = Interlocked.Read(ref _last)) < now && Interlocked.CompareExchange(ref _last, now, last) != last) { }
        var total = Interlocked.Increment(ref _total);
        if ((uint)reader >= (uint)_counts.Length) Interlocked.Increment(ref _outOfRange);
        else if (Interlocked.Increment(ref _counts[reader]) == 1) Interlocked.Increment(ref _distinct);
        return total % PushSink.CheckEvery == 1;
    }

    public void Check(Func<string?> notificationId)
    {
        try
        {
            var id = notificationId() ?? "(no id)";
            Interlocked.Increment(ref _checked);
            lock (_lock) _notifications[id] = _notifications.GetValueOrDefault(id) + 1;
        }
        catch (Exception e) when (e is PushDecryptionException or System.Text.Json.JsonException or System.Security.Cryptography.CryptographicException)
        {
            Interlocked.Increment(ref _checked);
            lock (_lock) if (_checkFailures.Count < 10) _checkFailures.Add(e.Message);
        }
    }

    /// <summary>Readers who got more than one push, and how many pushes beyond one they got.</summary>
    public (int Readers, long Extra) Duplicates()
    {
        int readers = 0;
        long extra = 0;
        foreach (var count in _counts)
            if (count > 1)
            {
                readers++;
                extra += count - 1;
            }
        return (readers, extra);
    }

    public int Missing => Readers - Distinct;
}
