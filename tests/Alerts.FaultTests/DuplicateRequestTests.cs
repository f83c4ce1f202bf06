using System.Net;
using Alerts.FaultTests.Infrastructure;

namespace Alerts.FaultTests;

public sealed class DuplicateRequestTests(PrivateServices services, ITestOutputHelper output) : FaultScenario(services, output)
{
    [Fact]
    public Task Same_alert_posted_ten_times_at_once_with_one_idempotency_key_reaches_every_reader_exactly_once() =>
        InProductionModeAsync(nameof(Same_alert_posted_ten_times_at_once_with_one_idempotency_key_reaches_every_reader_exactly_once), async deployment =>
        {
            var readers = await deployment.SeedAudienceAsync(ReaderCount);
            var alert = AlertsDeployment.Alert("Ten retries, one alert");
            var key = $"retry-{Guid.NewGuid():N}";

            // A client that retries impatiently: the same request ten times at once.
            var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => deployment.PostAlertAsync(alert, key)));
            deployment.Log.Write("injected: 10 concurrent POST /api/alerts with Idempotency-Key " + key + "; answers: " +
                                 string.Join(", ", answers.Select(a => $"{(int)a.Status} {a.Id}")));
            var ids = answers.Where(a => a.Id is not null).Select(a => a.Id!.Value).Distinct().ToList();
            Assert.True(ids.Count > 0, "No POST was accepted: " + string.Join("\n", answers.Select(a => a.Body)));

            var report = await deployment.WaitForOutcomeAsync("the same alert posted 10 times at once with one Idempotency-Key", ids, readers, SettleTimeout);
            new Expect(report)
                .That(answers.All(a => a.Status == HttpStatusCode.Accepted), $"not every retry answered 202: {string.Join(", ", answers.Select(a => (int)a.Status))}")
                .That(ids.Count == 1, $"the ten retries made {ids.Count} notifications, not one")
                .NobodyMissing().NoDuplicates().EndsDoneAndCountsAddUp().SentCountsEveryReaderOnce()
                .Check();
        });
}
