using Alerts.FaultTests.Infrastructure;

namespace Alerts.FaultTests;

public sealed class OutageTests(PrivateServices services, ITestOutputHelper output) : FaultScenario(services, output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    [Fact]
    public Task PostgreSQL_down_for_30_s_mid_fan_out_then_back_every_reader_gets_the_alert_exactly_once() =>
        InProductionModeAsync(nameof(PostgreSQL_down_for_30_s_mid_fan_out_then_back_every_reader_gets_the_alert_exactly_once), async deployment =>
        {
            var readers = await deployment.SeedAudienceAsync(ReaderCount);
            var id = await deployment.SendAlertAsync("The database goes away");
            var received = await deployment.WaitForProgressAsync([id], readers, 0.25, ProgressTimeout);
            try
            {
                await Services.Postgres.StopClusterAsync();
                deployment.Log.Write($"PostgreSQL stopped (fast shutdown) when {received} of {readers.Count} readers had the alert");
                await Task.Delay(Outage);
            }
            finally
            {
                await Services.Postgres.EnsureRunningAsync();
            }
            var injected = $"PostgreSQL stopped for {Outage.TotalSeconds:0} s when {received} of {readers.Count} readers had the alert, then started";
            deployment.Log.Write("injected: " + injected);

            var report = await deployment.WaitForOutcomeAsync(injected, [id], readers, SettleTimeout);
            new Expect(report)
                .NobodyMissing().NoDuplicates().EndsDoneAndCountsAddUp().SentCountsEveryReaderOnce()
                .Check();
        });

    [Fact]
    public Task RabbitMQ_down_for_30_s_mid_fan_out_then_back_every_reader_gets_the_alert_exactly_once() =>
        InProductionModeAsync(nameof(RabbitMQ_down_for_30_s_mid_fan_out_then_back_every_reader_gets_the_alert_exactly_once), async deployment =>
        {
            var readers = await deployment.SeedAudienceAsync(ReaderCount);
            var id = await deployment.SendAlertAsync("The broker goes away");
            var received = await deployment.WaitForProgressAsync([id], readers, 0.25, ProgressTimeout);
            try
            {
                await Services.RabbitMq.StopAppAsync();
                deployment.Log.Write($"RabbitMQ stopped (stop_app) when {received} of {readers.Count} readers had the alert");
                await Task.Delay(Outage);
            }
            finally
            {
                await Services.RabbitMq.StartAppAsync();
            }
            var injected = $"RabbitMQ stopped for {Outage.TotalSeconds:0} s when {received} of {readers.Count} readers had the alert, then started";
            deployment.Log.Write("injected: " + injected);

            var report = await deployment.WaitForOutcomeAsync(injected, [id], readers, SettleTimeout);
            new Expect(report)
                .NobodyMissing().NoDuplicates().EndsDoneAndCountsAddUp().SentCountsEveryReaderOnce()
                .Check();
        });
}
