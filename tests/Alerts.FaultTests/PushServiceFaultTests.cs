using Alerts.FaultTests.Infrastructure;

namespace Alerts.FaultTests;

public sealed class PushServiceFaultTests(PrivateServices services, ITestOutputHelper output) : FaultScenario(services, output)
{
    /// <summary>Retries back off; a push service that recovers is caught up with well within this.</summary>
    private static readonly TimeSpan RetryTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Refusing = TimeSpan.FromSeconds(20);

    [Fact]
    public Task Push_service_failing_every_first_and_second_attempt_still_reaches_every_reader_exactly_once_and_removes_nobody() =>
        InProductionModeAsync(nameof(Push_service_failing_every_first_and_second_attempt_still_reaches_every_reader_exactly_once_and_removes_nobody), async deployment =>
        {
            var readers = await deployment.SeedAudienceAsync(ReaderCount);
            var audienceBefore = await deployment.AudienceAsync();
            deployment.Push.FailFirstAttempts = 2;
            var injected = "the push service answers 503 to the first and the second attempt of every push (per reader and notification)";
            deployment.Log.Write("injected: " + injected);

            var id = await deployment.SendAlertAsync("Flaky push service");
            var report = await deployment.WaitForOutcomeAsync(injected, [id], readers, RetryTimeout);
            var audienceAfter = await deployment.AudienceAsync();
            deployment.Log.Write($"subscriptions: {audienceBefore} before, {audienceAfter} after");
            new Expect(report)
                .That(audienceAfter == audienceBefore, $"{audienceBefore - audienceAfter} subscriptions were removed for the push service's 503s")
                .NobodyMissing().NoDuplicates().EndsDoneAndCountsAddUp().SentCountsEveryReaderOnce()
                .Check();
        });

    [Fact]
    public Task Push_service_refusing_connections_for_three_alerts_then_back_within_their_TTL_delivers_them_all_and_removes_nobody() =>
        InProductionModeAsync(nameof(Push_service_refusing_connections_for_three_alerts_then_back_within_their_TTL_delivers_them_all_and_removes_nobody), async deployment =>
        {
            var readers = await deployment.SeedAudienceAsync(ReaderCount);
            var audienceBefore = await deployment.AudienceAsync();
            await deployment.Push.StopListeningAsync();
            deployment.Log.Write($"push service stopped listening on {deployment.Push.Origin}: connections are refused");
            var ids = new List<Guid>();
            try
            {
                for (var i = 1; i <= 3; i++) ids.Add(await deployment.SendAlertAsync($"Sent while the push service is down ({i} of 3)", ttlSeconds: 900));
                await Task.Delay(Refusing);
            }
            finally
            {
                await deployment.Push.ResumeListeningAsync();
            }
            var injected = $"the push service refused connections for {Refusing.TotalSeconds:0} s while 3 alerts (TTL 900 s) went out, then listened again on the same port";
            deployment.Log.Write("injected: " + injected);

            var report = await deployment.WaitForOutcomeAsync(injected, ids, readers, RetryTimeout, separateAlerts: true);
            var audienceAfter = await deployment.AudienceAsync();
            deployment.Log.Write($"subscriptions: {audienceBefore} before, {audienceAfter} after");
            new Expect(report)
                .That(audienceAfter == audienceBefore, $"{audienceBefore - audienceAfter} subscriptions were removed while the push service was unreachable")
                .NobodyMissing().EndsDoneAndCountsAddUp()
                .Check();
        });
}
