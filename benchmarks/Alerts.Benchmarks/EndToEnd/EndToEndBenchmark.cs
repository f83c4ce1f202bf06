using Alerts.WebPush;

namespace Alerts.Benchmarks.EndToEnd;

/// <summary>
/// Sections 2–6: Alerts.Server processes on the local PostgreSQL and RabbitMQ pushing to a sink in this
/// process. The main audience with one worker, two workers and the Lib.Net.Http.WebPush baseline; the
/// other audiences of the capacity table; the morning digest peaks.
/// </summary>
internal static class EndToEndBenchmark
{
    private const int LatencyAlerts = 5;

    public static async Task RunAsync(BenchmarkOptions options, Report report, CancellationToken cancellationToken)
    {
        var binaries = ServerBinaries.Find(options.RepositoryRoot);
        var runDirectory = Environment.GetEnvironmentVariable("ALERTS_BENCH_RUN_DIR") ?? Directory.CreateTempSubdirectory("alerts-bench-").FullName;
        var leftovers = new Leftovers(Environment.GetEnvironmentVariable("ALERTS_BENCH_LEFTOVERS"));
        report.Progress($"end to end: {options.KeyPool:N0} subscriber key pairs; process logs under {runDirectory}");
        var keys = new SubscriberKeyPool(options.KeyPool);
        var vapid = VapidKeys.Generate();
        await using var sink = await PushSink.StartAsync(keys);
        var capacity = new Dictionary<int, (FanOutResult? One, FanOutResult? Two)>();

        Task<Deployment> Deploy(string label) => Deployment.StartAsync(label, binaries, sink, vapid, runDirectory, leftovers, report, cancellationToken);

        // The main audience: one worker, two workers, the baseline.
        var main = new List<FanOutResult>();
        string seeded;
        await using (var deployment = await Deploy("main"))
        {
            seeded = await Audience.SeedAsync(deployment, sink, keys, options.Subscribers, Audience.Kind.Instant, cancellationToken);
            report.Progress($"{options.Subscribers:N0} readers seeded ({seeded})");
            main.Add(await MeasureAsync("Alerts", deployment, binaries.Server, sink, options.Subscribers, report, cancellationToken));
            await deployment.AddWorkerAsync(binaries.Server, cancellationToken);
            main.Add(await MeasureAsync("Alerts", deployment, null, sink, options.Subscribers, report, cancellationToken));
            capacity[options.Subscribers] = (main[0], main[1]);
            if (options.Baseline)
            {
                await deployment.StopWorkersAsync();
                if (binaries.Baseline is null)
                    report.Progress("baseline not measured: benchmarks/Alerts.Benchmarks.Baseline is not built");
                else
                    main.Add(await MeasureAsync("Lib.Net.Http.WebPush 3.3.1 (baseline host)", deployment, binaries.Baseline, sink, options.Subscribers, report, cancellationToken));
            }
        }
        EndToEndTables(options, report, main, seeded);

        foreach (var readers in options.Capacity.Where(n => n != options.Subscribers))
        {
            await using var deployment = await Deploy($"cap{readers}");
            var how = await Audience.SeedAsync(deployment, sink, keys, readers, Audience.Kind.Instant, cancellationToken);
            report.Progress($"{readers:N0} readers seeded ({how})");
            var one = await MeasureAsync("Alerts", deployment, binaries.Server, sink, readers, report, cancellationToken, latency: false);
            await deployment.AddWorkerAsync(binaries.Server, cancellationToken);
            var two = await MeasureAsync("Alerts", deployment, null, sink, readers, report, cancellationToken, latency: false);
            capacity[readers] = (one, two);
        }
        CapacityTable(report, capacity);

        var peaks = new List<MorningPeakResult>();
        foreach (var readers in options.Digests)
        {
            await using var deployment = await Deploy($"dig{readers}");
            await deployment.AddWorkerAsync(binaries.Server, cancellationToken);
            var how = await Audience.SeedAsync(deployment, sink, keys, readers, Audience.Kind.HourlyDigest, cancellationToken);
            report.Progress($"{readers:N0} hourly digest readers seeded ({how})");
            peaks.Add(await MorningPeak.RunAsync(deployment, sink, readers, report, cancellationToken));
        }
        if (peaks.Count > 0)
            report.Table("The morning peak: every digest reader due in the same minute (Api+Scheduler process, one worker)",
            ["digest readers", "due → first digest push", "first → last digest push", "digests/s", "each exactly once"],
            peaks.Select(p => new[]
            {
                p.Readers.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), Report.Seconds(p.DueToFirstSeconds),
                Report.Seconds(p.FirstToLastSeconds), Report.Number(p.DigestsPerSecond), p.ExactlyOnceText,
            }),
            "Due → first includes the wait for the Scheduler's every-minute digest job (up to 60 s); first → last is the peak itself: " +
            "the job records a personal digest per reader and the worker pushes them.");
    }

    /// <summary>
    /// Starts a worker from <paramref name="workerDll"/> (null: keep the workers running), warms it up with one
    /// small alert, sends the breaking alert to everyone and, when asked, measures first-push latency.
    /// </summary>
    private static async Task<FanOutResult> MeasureAsync(
        string pipeline, Deployment deployment, string? workerDll, PushSink sink, int readers, Report report, CancellationToken cancellationToken,
        bool latency = true)
    {
        if (workerDll is not null) await deployment.AddWorkerAsync(workerDll, cancellationToken);
        // Warm-up: JIT, connection pools and the VAPID token, so the measured alert is a steady worker's.
        await FanOut.FirstPushLatenciesAsync(deployment, sink, readers, 1, report, cancellationToken);
        var result = await FanOut.BreakingAlertAsync(pipeline, deployment, sink, readers, report, cancellationToken);
        if (!latency) return result;
        var latencies = await FanOut.FirstPushLatenciesAsync(deployment, sink, readers, LatencyAlerts, report, cancellationToken);
        return result with { FirstPushMs = latencies, FirstPushMedianMs = FanOut.Median(latencies) };
    }

    private static void EndToEndTables(BenchmarkOptions options, Report report, List<FanOutResult> results, string seeded)
    {
        var one = results[0];
        report.Table($"End to end: one breaking alert to {options.Subscribers:N0} readers (PostgreSQL + RabbitMQ, an Api+Scheduler process and Worker processes)",
            ["pipeline", "workers", "202 latency", "202 → last push", "pushes/s", "pushes per CPU-second (all Alerts processes)", "pushes per worker CPU-second",
             "first push (median of 5)", "worker peak RSS", "vs Alerts, 1 worker", "each reader exactly once"],
            results.Select(r => new[]
            {
                r.Pipeline, r.Workers.ToString(System.Globalization.CultureInfo.InvariantCulture), Report.Milliseconds(r.AcceptMs), Report.Seconds(r.SendSeconds),
                Report.Number(r.PushesPerSecond), Report.Number(r.PushesPerCpuSecond), Report.Number(r.PushesPerWorkerCpuSecond),
                r.FirstPushMedianMs is { } median ? Report.Milliseconds(median) : "", Report.Megabytes(r.PeakWorkerRssKb),
                Report.Ratio(r.PushesPerSecond / one.PushesPerSecond) + " pushes/s, " + Report.Ratio(r.PushesPerCpuSecond / one.PushesPerCpuSecond) + " per CPU-s",
                r.ExactlyOnceText,
            }),
            $"Readers stored through {seeded}. Push sink in the benchmark process on 127.0.0.1 (201 at once; 1 push in {PushSink.CheckEvery} decrypted). " +
            $"First push: {LatencyAlerts} breaking alerts one after another to the {Audience.SmallSectionReaders(options.Subscribers):N0} readers of a small section, 202 → first push at the sink.");

        foreach (var result in results.Where(r => r.Workers > 1))
        {
            var total = result.Shares.Sum(s => s.Sent);
            report.Table($"Share of the pushes each worker took ({result.Pipeline}, {result.Workers} workers; alerts_push_results_total{{outcome=\"sent\"}} from each worker's /metrics)",
                ["worker", "pushes sent", "share"],
                result.Shares.Select(s => new[] { s.Worker, Report.Number(s.Sent), Report.Percent(s.Sent / total) }),
                $"Two workers: {Report.Ratio(result.PushesPerSecond / one.PushesPerSecond)} the pushes per second of one, " +
                $"{Report.Ratio(result.PushesPerCpuSecond / one.PushesPerCpuSecond)} the pushes per CPU-second (all processes), " +
                $"{Report.Ratio(result.PushesPerWorkerCpuSecond / one.PushesPerWorkerCpuSecond)} per worker CPU-second.");
        }
    }

    private static void CapacityTable(Report report, Dictionary<int, (FanOutResult? One, FanOutResult? Two)> capacity)
    {
        static string Cell(FanOutResult? r) => r is null ? "" :
            $"{Report.Seconds(r.SendSeconds)} ({Report.Number(r.PushesPerSecond)}/s)" + (r.ExactlyOnce ? "" : " — not exactly once");
        report.Table("Capacity: time from the 202 to the last reader's push",
            ["subscribers", "1 worker", "2 workers"],
            capacity.OrderBy(c => c.Key).Select(c => new[] { c.Key.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), Cell(c.Value.One), Cell(c.Value.Two) }));
    }
}
