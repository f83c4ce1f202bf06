using Alerts.FaultTests.Infrastructure;

namespace Alerts.FaultTests;

public sealed class EmbeddedRestartTests(PrivateServices services, ITestOutputHelper output) : FaultScenario(services, output)
{
    [Fact]
    public Task Embedded_mode_killed_mid_fan_out_and_started_again_serves_every_reader_at_least_once() =>
        InEmbeddedModeAsync(nameof(Embedded_mode_killed_mid_fan_out_and_started_again_serves_every_reader_at_least_once), async deployment =>
        {
            var readers = await deployment.SeedAudienceAsync(ReaderCount);
            var id = await deployment.SendAlertAsync("The laptop restarts");
            var received = await deployment.WaitForProgressAsync([id], readers, 0.25, ProgressTimeout);
            var pid = deployment.Api.Id;
            await deployment.Api.KillAsync();
            var injected = $"SIGKILL to the embedded process (pid {pid}) when {received} of {readers.Count} readers had the alert, then started again on the same SQLite file";
            deployment.Log.Write("injected: " + injected);
            await deployment.RestartEmbeddedAsync();

            var report = await deployment.WaitForOutcomeAsync(injected, [id], readers, SettleTimeout);
            new Expect(report)
                .NobodyMissing().EndsDoneAndCountsAddUp().SentCountsEveryReaderOnce()
                .Check();
        });
}
