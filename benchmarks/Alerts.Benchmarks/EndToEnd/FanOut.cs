using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Alerts.Benchmarks.EndToEnd;

/// <summary>One breaking alert to every reader, measured from the editor's POST to the last push at the sink.</summary>
internal sealed record FanOutResult(
    string Pipeline, int Workers, int Readers, double AcceptMs, double SendSeconds, double PushesPerSecond, double PushesPerCpuSecond,
    double PushesPerWorkerCpuSecond, int Missing, int DuplicatedReaders, long ExtraPushes, int Checked, int CheckFailures, long PeakWorkerRssKb,
    IReadOnlyList<(string Worker, double Sent)> Shares, string Status)
{
    public bool ExactlyOnce => Missing == 0 && DuplicatedReaders == 0 && CheckFailures == 0;
    public double? FirstPushMedianMs { get; init; }
    public IReadOnlyList<double> FirstPushMs { get; init; } = [];

    public string ExactlyOnceText =>
        (ExactlyOnce ? "yes" : $"NO: {Missing} missing, {DuplicatedReaders} duplicated (+{ExtraPushes})") +
        $", {Checked} decrypted" + (CheckFailures > 0 ? $", {CheckFailures} failed to decrypt" : "");
}

internal static class FanOut
{
    public static async Task<FanOutResult> BreakingAlertAsync(
        string pipeline, Deployment deployment, PushSink sink, int readers, Report report, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(120 + readers / 100.0);
        var workers = deployment.Workers;
        var round = sink.StartRound(readers);
        var processes = deployment.Processes.ToList();
        var sentBefore = await Task.WhenAll(workers.Select(w => w.PushesSentAsync(cancellationToken)));
        var cpuBefore = processes.Select(p => p.CpuSeconds()).ToArray();

        using var editor = deployment.Api.Client(Deployment.EditorKey);
        var posted = Stopwatch.GetTimestamp();
        var id = await PostAlertAsync(editor, $"Breaking: benchmark alert to all {readers:N0} readers", null, cancellationToken);
        var accepted = Stopwatch.GetTimestamp();
        report.Progress($"{pipeline}, {workers.Count} worker(s): alert {id} accepted in {Stopwatch.GetElapsedTime(posted, accepted).TotalMilliseconds:0} ms; waiting for {readers:N0} readers");

        var clock = Stopwatch.StartNew();
        var lastProgress = TimeSpan.Zero;
        while (round.Distinct < readers && clock.Elapsed < timeout)
        {
            await Task.Delay(100, cancellationToken);
            if (clock.Elapsed - lastProgress > TimeSpan.FromSeconds(15))
            {
                lastProgress = clock.Elapsed;
                report.Progress($"  {round.Distinct:N0} of {readers:N0} readers after {clock.Elapsed.TotalSeconds:0} s");
            }
        }
        var cpuAfter = processes.Select(p => p.CpuSeconds()).ToArray();
        var status = await WaitUntilFinalAsync(editor, id, TimeSpan.FromSeconds(60), cancellationToken);
        // Anything still on its way (a duplicate) has arrived a second after the alert is final.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        var sentAfter = await Task.WhenAll(workers.Select(w => w.PushesSentAsync(cancellationToken)));

        var send = round.Last > 0 ? Stopwatch.GetElapsedTime(accepted, round.Last).TotalSeconds : double.NaN;
        var cpu = cpuAfter.Zip(cpuBefore, (after, before) => after - before).ToArray();
        var workerCpu = cpu.Skip(1).Sum();
        var (duplicated, extra) = round.Duplicates();
        var result = new FanOutResult(pipeline, workers.Count, readers,
            Stopwatch.GetElapsedTime(posted, accepted).TotalMilliseconds, send, round.Distinct / send, round.Distinct / cpu.Sum(),
            round.Distinct / workerCpu, round.Missing, duplicated, extra, round.Checked, round.CheckFailures.Count,
            workers.Max(w => w.PeakRssKilobytes()),
            [.. workers.Select((w, i) => (w.Name, sentAfter[i] - sentBefore[i]))], status);
        report.Progress($"  {pipeline}, {workers.Count} worker(s): {round.Distinct:N0}/{readers:N0} readers in {send:0.0} s, {result.PushesPerSecond:N0}/s, " +
                        $"{result.PushesPerCpuSecond:N0} per CPU-s (api {cpu[0]:0.0} s, workers {workerCpu:0.0} s), status {status}; {result.ExactlyOnceText}");
        foreach (var failure in round.CheckFailures) report.Progress($"  decryption failed: {failure}");
        if (round.Missing > 0) deployment.KeepLogs();
        return result;
    }

    /// <summary>Alerts to the small section one after another: 202 → first push at the sink, each.</summary>
    public static async Task<IReadOnlyList<double>> FirstPushLatenciesAsync(
        Deployment deployment, PushSink sink, int readers, int alerts, Report report, CancellationToken cancellationToken)
    {
        var small = Audience.SmallSectionReaders(readers);
        using var editor = deployment.Api.Client(Deployment.EditorKey);
        var latencies = new List<double>();
        for (var i = 1; i <= alerts; i++)
        {
            var round = sink.StartRound(readers);
            var id = await PostAlertAsync(editor, $"Breaking: first-push latency {i}", [Audience.SmallSection], cancellationToken);
            var accepted = Stopwatch.GetTimestamp();
            var clock = Stopwatch.StartNew();
            while (round.Distinct < small && clock.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(5, cancellationToken);
            if (round.First == 0) throw new TimeoutException($"No push of alert {id} arrived within 60 s.");
            latencies.Add(Stopwatch.GetElapsedTime(accepted, round.First).TotalMilliseconds);
            await WaitUntilFinalAsync(editor, id, TimeSpan.FromSeconds(60), cancellationToken);
        }
        report.Progress($"  first-push latency to {small} readers: {string.Join(", ", latencies.Select(l => $"{l:0} ms"))}");
        return latencies;
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static async Task<Guid> PostAlertAsync(HttpClient editor, string title, string[]? sections, CancellationToken cancellationToken)
    {
        using var response = await editor.PostAsJsonAsync("/api/alerts", new
        {
            title,
            body = "Measured by benchmarks/run.sh: every reader should get this exactly once.",
            url = "https://news.example/world/benchmark",
            sections,
        }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"POST /api/alerts answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>Polls GET /api/alerts/{id} until done, cancelled or expired; returns the last status seen.</summary>
    public static async Task<string> WaitUntilFinalAsync(HttpClient editor, Guid id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var status = "unknown";
        while (clock.Elapsed < timeout)
        {
            using var response = await editor.GetAsync($"/api/alerts/{id}", cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                status = json.RootElement.GetProperty("status").GetString() ?? "unknown";
                if (status is "done" or "cancelled" or "expired") return status;
            }
            await Task.Delay(200, cancellationToken);
        }
        return status + " (not final)";
    }
}
