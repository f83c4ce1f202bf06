using Alerts.FaultTests.Infrastructure;

namespace Alerts.FaultTests;

public sealed class BadSubscriptionTests(PrivateServices services, ITestOutputHelper output) : FaultScenario(services, output)
{
    [Fact]
    public Task A_subscription_with_a_bad_stored_key_in_the_middle_of_the_audience_does_not_keep_the_alert_from_anyone_else() =>
        InProductionModeAsync(nameof(A_subscription_with_a_bad_stored_key_in_the_middle_of_the_audience_does_not_keep_the_alert_from_anyone_else), async deployment =>
        {
            var readers = await deployment.SeedAudienceAsync(ReaderCount);
            // The fan-out walks subscriptions in id order: the middle one sits in a middle batch. A padded key
            // ("…==") is what subscribing once let through; written here directly, as an older row would be.
            var bad = await deployment.ScalarAsync<Guid>(
                $"""UPDATE subscriptions SET "P256dh" = "P256dh" || '==' WHERE "Id" = (SELECT "Id" FROM subscriptions ORDER BY "Id" OFFSET {ReaderCount / 2} LIMIT 1) RETURNING "Id" """);
            var injected = $"subscription {bad} (number {ReaderCount / 2 + 1} of {ReaderCount} in id order) has its stored p256dh padded with '=='";
            deployment.Log.Write("injected: " + injected);
            var others = readers.Where(r => r.SubscriptionId != bad).ToList();

            var id = await deployment.SendAlertAsync("One bad key among thousands");
            var report = await deployment.WaitForOutcomeAsync(injected, [id], others, SettleTimeout);
            new Expect(report)
                .NobodyMissing().NoDuplicates().EndsDoneAndCountsAddUp().SentCountsEveryReaderOnce()
                .Check();
        });
}
