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
