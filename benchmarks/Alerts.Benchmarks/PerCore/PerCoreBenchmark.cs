using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Alerts.WebPush;

namespace Alerts.Benchmarks.PerCore;

/// <summary>
/// Section 1: encryption + VAPID per push on one thread, each sender for the same seconds in the same
/// run, and OpenSSL's P-256 key agreement rate as the floor.
/// </summary>
internal static class PerCoreBenchmark
{
    /// <summary>A breaking alert's plaintext as the service builds it (334 bytes).</summary>
    public static readonly byte[] Payload = Encoding.UTF8.GetBytes(
        "{\"id\":\"0193a1c4-7c1e-7d55-9a53-4f1b8f1d2e3a\",\"kind\":\"article\",\"title\":\"Leaders agree to meet in Paris for the centenary\"," +
        "\"body\":\"The meeting follows months of talks between the two governments.\",\"url\":\"https://news.example/world/summit\"," +
        "\"image\":\"https://news.example/img/1.jpg\",\"tag\":\"0193a1c4-7c1e-7d55-9a53-4f1b8f1d2e3a\",\"timestamp\":1540285200000}");

    private static readonly Uri Endpoint = new("https://fcm.googleapis.com/fcm/send/benchmark");

    public sealed record Rate(string Name, double PerSecond, double PerCpuSecond);

    public static async Task RunAsync(BenchmarkOptions options, Report report, CancellationToken cancellationToken)
    {
        report.Progress($"per core: {options.Seconds} s each, one thread");
        var keys = VapidKeys.Generate();
        var subscribers = Enumerable.Range(0, 64).Select(_ => NewSubscriber()).ToArray();
        var rates = new List<Rate>();
        using (var alerts = new AlertsSender(keys, keyPerMessage: false)) rates.Add(Measure(alerts, subscribers, options.Seconds, cancellationToken));
        using (var library = new LibNetSender(keys)) rates.Add(Measure(library, subscribers, options.Seconds, cancellationToken));
        using (var perMessage = new AlertsSender(keys, keyPerMessage: true)) rates.Add(Measure(perMessage, subscribers, options.Seconds, cancellationToken));
        var openssl = await OpenSslSpeed.EcdhP256Async(options.Seconds, cancellationToken);

        var ours = rates[0];
        var theirs = rates[1];
        var table = new List<string[]>();
        foreach (var rate in rates)
            table.Add([rate.Name, Report.Number(rate.PerSecond), Report.Number(rate.PerCpuSecond), Report.Ratio(rate.PerCpuSecond / theirs.PerCpuSecond),
                openssl is { } o ? Report.Percent(rate.PerCpuSecond / o.OpsPerSecond) : "n/a"]);
        if (openssl is { } floor)
            table.Add([$"OpenSSL ECDH P-256 alone (`openssl speed -seconds {options.Seconds} ecdhp256`, {floor.Version.Split(' ').Take(2).Aggregate((a, b) => a + " " + b)})",
                "", Report.Number(floor.OpsPerSecond), Report.Ratio(floor.OpsPerSecond / theirs.PerCpuSecond), "100 %"]);
        report.Table("Per core: encryption + VAPID per push (one thread, 334-byte payload)",
            ["sender", "pushes/s (wall)", "pushes per CPU-second", "vs Lib.Net.Http.WebPush", "of the OpenSSL ECDH floor"], table,
            $"Alerts.WebPush prepares {Report.Ratio(ours.PerCpuSecond / theirs.PerCpuSecond)} the pushes per core of Lib.Net.Http.WebPush" +
            (openssl is { } f ? $"; one ECDH alone runs {Report.Ratio(f.OpsPerSecond / ours.PerCpuSecond)} faster than a whole Alerts push." : "; openssl was not available."));
    }

    private static Rate Measure(IPushPreparation sender, BenchmarkSubscriber[] subscribers, int seconds, CancellationToken cancellationToken)
    {
        // Warm-up: JIT, the VAPID token cache, the library's per-subscription state.
        var sink = 0;
        var warmUp = Stopwatch.StartNew();
        for (var i = 0; warmUp.Elapsed < TimeSpan.FromSeconds(0.5); i++) sink += sender.PrepareOne(Payload, subscribers[i % subscribers.Length], Endpoint);

        GC.Collect();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var duration = TimeSpan.FromSeconds(seconds);
        long count = 0;
        while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
        {
            for (var i = 0; i < 16; i++) sink += sender.PrepareOne(Payload, subscribers[(count + i) % subscribers.Length], Endpoint);
            count += 16;
        }
        var elapsed = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        GC.KeepAlive(sink);
        cancellationToken.ThrowIfCancellationRequested();
        return new Rate(sender.Name, count / elapsed, count / Math.Max(cpu, 1e-9));
    }

    private static BenchmarkSubscriber NewSubscriber()
    {
        using var browser = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var point = browser.ExportParameters(false).Q;
        return new BenchmarkSubscriber([0x04, .. point.X!, .. point.Y!], RandomNumberGenerator.GetBytes(16));
    }
}
