using Alerts.FaultTests.Infrastructure;

namespace Alerts.FaultTests;

public sealed class WorkerFaultTests(PrivateServices services, ITestOutputHelper output) : FaultScenario(services, output)
{
    private static readonly TimeSpan DrainAllowance = TimeSpan.FromSeconds(30);

    [Fact]
    public Task Worker_killed_mid_fan_out_leaves_every_reader_served_at_least_once_and_at_most_one_batch_twice() =>
        InProductionModeAsync(nameof(Worker_killed_mid_fan_out_leaves_every_reader_served_at_least_once_and_at_most_one_batch_twice), async deployment =>
        {
            var readers = await deployment.SeedAudienceAsync(ReaderCount);
            var id = await deployment.SendAlertAsync("A worker dies mid-way");
            var received = await deployment.WaitForProgressAsync([id], readers, 0.25, ProgressTimeout);
            var victim = deployment.Workers[0];
            await victim.KillAsync();
            var injected = $"SIGKILL to {victim.Name} (pid {victim.Id}) when {received} of {readers.Count} readers had the alert; {deployment.Workers[1].Name} kept running";
            deployment.Log.Write("injected: " + injected);

            var report = await deployment.WaitForOutcomeAsync(injected, [id], readers, SettleTimeout);
            new Expect(report)
                .NobodyMissing()
                .DuplicatesAtMost(AlertsDeployment.BatchSize, "one batch in flight on the dead worker")
                .EndsDoneAndCountsAddUp().SentCountsEveryReaderOnce()
                .Check();
        });

    [Fact]
    public Task Worker_killed_mid_throttled_fan_out_leaves_the_pace_to_the_other_and_every_reader_served() =>
        InProductionModeAsync(nameof(Worker_killed_mid_throttled_fan_out_leaves_the_pace_to_the_other_and_every_reader_served), async deployment =>
        {
            // 6,000 a minute: batches of 100 readers, one due every second, 30 s for the whole audience.
            const int perSecond = 100;
            var readers = await deployment.SeedAudienceAsync(ReaderCount);
            var (status, accepted, body) = await deployment.PostAlertAsync(new
            {
                title = "A worker dies while the alert is spread out", body = "A fault test alert to every reader.",
                url = "https://news.example/world/fault-test", sections = (string[]?)null, throttlePerMinute = perSecond * 60,
            });
            Assert.True(status == System.Net.HttpStatusCode.Accepted && accepted is not null, $"POST /api/alerts answered {(int)status}: {body}");
            var id = accepted!.Value;
            var received = await deployment.WaitForProgressAsync([id], readers, 0.25, ProgressTimeout);
            var victim = deployment.Workers[0];
            await victim.KillAsync();
            var injected = $"SIGKILL to {victim.Name} (pid {victim.Id}) when {received} of {readers.Count} readers had the throttled alert; {deployment.Workers[1].Name} kept running";
            deployment.Log.Write("injected: " + injected);

            var report = await deployment.WaitForOutcomeAsync(injected, [id], readers, SettleTimeout);
            var times = deployment.Push.Received
                .Where(p => p.Payload.ValueKind == System.Text.Json.JsonValueKind.Object && p.Payload.GetProperty("id").GetString() == id.ToString())
                .Select(p => p.ReceivedAt).Order().ToList();
            var spread = times[^1] - times[0];
            var busiest = times.Select((t, i) => times.Skip(i).TakeWhile(u => u < t + TimeSpan.FromSeconds(1)).Count()).Max();
            deployment.Log.Write($"pace: first to last push {spread.TotalSeconds:0.0} s; at most {busiest} pushes within one second");
            new Expect(report)
                .NobodyMissing()
                .DuplicatesAtMost(perSecond, "one batch in flight on the dead worker")
                .EndsDoneAndCountsAddUp().SentCountsEveryReaderOnce()
                .That(spread >= TimeSpan.FromSeconds(24), $"the pushes took {spread.TotalSeconds:0.0} s; at {perSecond} a second they take 30 s")
                // The dead worker's batch goes out again when its lease ends: with the live worker's batch, at most three seconds' share.
                .That(busiest <= 3 * perSecond, $"{busiest} pushes went out within one second; the pace is {perSecond} a second")
                .Check();
        });

    [Fact]
    public Task Worker_stopped_with_SIGTERM_mid_fan_out_leaves_every_reader_served_exactly_once() =>
        InProductionModeAsync(nameof(Worker_stopped_with_SIGTERM_mid_fan_out_leaves_every_reader_served_exactly_once), async deployment =>
        {
            var readers = await deployment.SeedAudienceAsync(ReaderCount);
            var id = await deployment.SendAlertAsync("A worker is stopped mid-way");
            var received = await deployment.WaitForProgressAsync([id], readers, 0.25, ProgressTimeout);
            var victim = deployment.Workers[0];
            var stoppedAt = deployment.Log.Elapsed;
            var exited = await victim.TerminateAsync(DrainAllowance);
            var injected = $"SIGTERM to {victim.Name} (pid {victim.Id}) when {received} of {readers.Count} readers had the alert; " +
                           (exited ? $"it exited after {(deployment.Log.Elapsed - stoppedAt).TotalSeconds:0.0} s" : $"it had not exited after {DrainAllowance.TotalSeconds:0} s and was killed");
            deployment.Log.Write("injected: " + injected);

            var report = await deployment.WaitForOutcomeAsync(injected, [id], readers, SettleTimeout);
            new Expect(report)
                .That(exited, $"the worker did not exit within {DrainAllowance.TotalSeconds:0} s of SIGTERM")
                .NobodyMissing().NoDuplicates().EndsDoneAndCountsAddUp().SentCountsEveryReaderOnce()
                .Check();
        });
}
