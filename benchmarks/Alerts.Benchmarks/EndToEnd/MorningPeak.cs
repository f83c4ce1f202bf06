using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace Alerts.Benchmarks.EndToEnd;

internal sealed record MorningPeakResult(
    int Readers, double DueToFirstSeconds, double FirstToLastSeconds, double DigestsPerSecond, int Missing, int DuplicatedReaders, long ExtraPushes,
    int Checked, int CheckFailures, int Notifications)
{
    public bool ExactlyOnce => Missing == 0 && DuplicatedReaders == 0 && CheckFailures == 0;

    public string ExactlyOnceText =>
        (ExactlyOnce ? "yes" : $"NO: {Missing} missing, {DuplicatedReaders} duplicated (+{ExtraPushes})") +
        $", {Checked} decrypted" + (CheckFailures > 0 ? $", {CheckFailures} failed to decrypt" : "");
}

/// <summary>
/// The morning peak: every digest reader due in the same minute. Stories are published in their section,
/// every reader is made due at once (next_digest_at in SQL), and the Scheduler's every-minute digest job
/// records a personal digest per reader that the workers push.
/// </summary>
internal static class MorningPeak
{
    private const int Stories = 3;

    public static async Task<MorningPeakResult> RunAsync(Deployment deployment, PushSink sink, int readers, Report report, CancellationToken cancellationToken)
    {
        using var editor = deployment.Api.Client(Deployment.EditorKey);
        // Stories must be published after the readers subscribed: a digest lists what appeared since then.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        for (var i = 1; i <= Stories; i++)
        {
            using var response = await editor.PostAsJsonAsync("/api/articles", new
            {
                articleId = $"bench-morning-{i}-{Guid.NewGuid():N}",
                title = $"Morning story {i}: leaders agree to meet in Paris for the centenary",
                summary = "The meeting follows months of talks.",
                url = $"https://news.example/world/morning-{i}",
                sections = new[] { Audience.EveryoneSection },
                publishedAt = DateTimeOffset.UtcNow,
                breaking = false,
            }, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Accepted)
                throw new InvalidOperationException($"POST /api/articles answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
        var wait = Stopwatch.StartNew();
        while (await deployment.ScalarAsync<long>("SELECT count(*) FROM articles", cancellationToken) < Stories)
        {
            if (wait.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("The stories were not recorded within 60 s.");
            await Task.Delay(200, cancellationToken);
        }

        var round = sink.StartRound(readers);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        var due = await deployment.ExecuteAsync("UPDATE subscriptions SET \"NextDigestAt\" = now() WHERE \"Mode\" = 'Digest'", cancellationToken);
        var madeDue = Stopwatch.GetTimestamp();
        report.Progress($"morning peak: {due:N0} digest readers due now; the digest job runs at the next minute");

        var timeout = TimeSpan.FromSeconds(180 + readers / 50.0);
        var clock = Stopwatch.StartNew();
        var lastProgress = TimeSpan.Zero;
        var lastDistinct = -1;
        var stalledSince = clock.Elapsed;
        while (round.Distinct < readers && clock.Elapsed < timeout)
        {
            await Task.Delay(200, cancellationToken);
            if (round.Distinct != lastDistinct) (lastDistinct, stalledSince) = (round.Distinct, clock.Elapsed);
            // Past the first push, three minutes without progress means it will not finish: stop waiting.
            if (round.First > 0 && clock.Elapsed - stalledSince > TimeSpan.FromMinutes(3)) break;
            if (clock.Elapsed - lastProgress > TimeSpan.FromSeconds(15))
            {
                lastProgress = clock.Elapsed;
                report.Progress($"  {round.Distinct:N0} of {readers:N0} digests after {clock.Elapsed.TotalSeconds:0} s");
            }
        }
        // Let any duplicate arrive before counting.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var (duplicated, extra) = round.Duplicates();
        var firstToLast = round.First > 0 ? Stopwatch.GetElapsedTime(round.First, round.Last).TotalSeconds : double.NaN;
        var result = new MorningPeakResult(readers,
            round.First > 0 ? Stopwatch.GetElapsedTime(madeDue, round.First).TotalSeconds : double.NaN,
            firstToLast, round.Distinct / firstToLast, round.Missing, duplicated, extra, round.Checked, round.CheckFailures.Count,
            round.Notifications.Count);
        report.Progress($"  morning peak {readers:N0}: first→last {firstToLast:0.0} s, {result.DigestsPerSecond:N0}/s; {result.ExactlyOnceText}");
        if (round.Missing > 0) deployment.KeepLogs();
        return result;
    }
}
