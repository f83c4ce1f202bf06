using System.Net;
using System.Text.Json;
using Alerts.IntegrationTests.Infrastructure;

namespace Alerts.IntegrationTests.Delivery;

/// <summary>
/// Two push service hosts: <see cref="ProductionModeFixture.Push"/> on 127.0.0.1 and <see cref="Slow"/> on 127.0.0.2
/// (the dispatcher tells push services apart by host). Few pushes in flight per host, and not many more in all,
/// so a slow host that took slots it should not have would hold up the other.
/// </summary>
public sealed class TwoPushServicesFixture : ProductionModeFixture
{
    public const int MaxConcurrencyPerHost = 4;
    public const int MaxConcurrency = 6;

    public FakePushService Slow { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Slow = await FakePushService.StartAsync(AlertsServer.VapidSubject, listenOn: IPAddress.Parse("127.0.0.2"));
        await base.InitializeAsync();
    }

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Alerts:Push:AllowedOrigins:1"] = Slow.Origin;
        settings["Alerts:Push:MaxConcurrencyPerHost"] = $"{MaxConcurrencyPerHost}";
        settings["Alerts:Push:MaxConcurrency"] = $"{MaxConcurrency}";
        settings["Alerts:Push:BatchSize"] = "500";
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Slow.DisposeAsync();
    }
}

/// <summary>
/// The fast send path on RabbitMQ and PostgreSQL: each push service host within its own limit, so a slow one
/// does not hold up the others; outcomes recorded while the rest of a batch is still being sent.
/// </summary>
public sealed class SendPathTests(TwoPushServicesFixture fixture) : IClassFixture<TwoPushServicesFixture>
{
    private const int PerHost = TwoPushServicesFixture.MaxConcurrencyPerHost;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_slow_push_service_gets_at_most_its_per_host_limit_and_does_not_hold_up_a_fast_one()
    {
        const string section = "sports";
        var slowReaders = await SubscribeAsync(fixture.Slow, 3 * PerHost, section);
        var fastReaders = await SubscribeAsync(fixture.Push, 6 * PerHost, section);
        fixture.Slow.Latency = TimeSpan.FromSeconds(1);
        fixture.Slow.Clear();
        fixture.Push.Clear();

        var id = await fixture.Server.Editor().SendAcceptedAlertAsync(Alert("One slow push service, one fast", section));
        await fixture.Server.WaitForAlertAsync(id, "done", Timeout);

        // One batch: both hosts' readers were sent from the same fan-out.
        var slow = fixture.Slow.Delivered.Of(id).OrderBy(p => p.ReceivedAt).ToList();
        var fast = fixture.Push.Delivered.Of(id).OrderBy(p => p.ReceivedAt).ToList();
        Assert.Equal(slowReaders.Count, slow.Count);
        Assert.Equal(fastReaders.Count, fast.Count);
        Assert.True(fixture.Slow.MaxInFlight <= PerHost,
            $"The slow push service had {fixture.Slow.MaxInFlight} requests in flight at once; Alerts:Push:MaxConcurrencyPerHost is {PerHost}.");
        // The slow host answers its first PerHost pushes together a second in; the next ones come a second later.
        var firstOfSecondRound = slow[PerHost];
        Assert.True(fast[^1].ReceivedAt < firstOfSecondRound.ReceivedAt,
            $"The last push to the fast push service arrived at {fast[^1].ReceivedAt:HH:mm:ss.fff}, after push {PerHost + 1} of {slow.Count} to the slow one " +
            $"({firstOfSecondRound.ReceivedAt:HH:mm:ss.fff}): the fast host waited for the slow host's slots.\n" +
            $"slow: {string.Join(", ", slow.Select(p => $"{p.ReceivedAt:ss.fff}"))}\nfast: {string.Join(", ", fast.Select(p => $"{p.ReceivedAt:ss.fff}"))}");
        Assert.True(fixture.Slow.MaxInFlight == PerHost,
            $"The slow push service had at most {fixture.Slow.MaxInFlight} requests in flight at once with {slow.Count} readers waiting; its limit is {PerHost}, so pushes were held back below it.");
    }

    [Theory]
    // Results come steadily (every 150 ms): outcomes are recorded every 125 results.
    [InlineData("world", 200, 150)]
    // Results come in bursts with 700 ms between them: outcomes are recorded after 500 ms without a new result.
    [InlineData("business", 24, 700)]
    public async Task Outcomes_are_recorded_while_the_rest_of_the_batch_is_still_being_sent(string section, int readers, int latencyMs)
    {
        await SubscribeAsync(fixture.Slow, readers, section);
        fixture.Slow.Latency = TimeSpan.FromMilliseconds(latencyMs);
        fixture.Slow.Clear();

        var id = await fixture.Server.Editor().SendAcceptedAlertAsync(Alert("Recorded as it goes", section));
        var firstSeen = await WaitUntilSomeAreRecordedAsync(id);

        var sent = firstSeen.GetProperty("sent").GetInt32();
        var pushed = fixture.Slow.Delivered.Of(id).Count();
        Assert.True(sent < readers && firstSeen.GetProperty("status").GetString() != "done",
            $"The alert showed its first outcomes only when all {readers} readers' were recorded: {firstSeen}. Outcomes should be recorded while the rest of the batch is still being sent.");
        Assert.True(pushed < readers, $"All {readers} pushes had reached the push service when the first outcomes showed ({sent} sent); the test proves nothing.");
        var done = await fixture.Server.WaitForAlertAsync(id, "done", Timeout);
        Assert.Equal(readers, done.GetProperty("sent").GetInt32());
    }

    private async Task<JsonElement> WaitUntilSomeAreRecordedAsync(Guid id)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var alert = await fixture.Server.GetAlertAsync(id);
            if (alert.GetProperty("sent").GetInt32() > 0) return alert;
            Assert.True(DateTime.UtcNow < deadline, $"No outcome of alert {id} was recorded within {Timeout.TotalSeconds} s: {alert}");
            await Task.Delay(50);
        }
    }

    private async Task<List<TestSubscriber>> SubscribeAsync(FakePushService push, int count, string section)
    {
        var readers = Enumerable.Range(0, count).Select(_ => TestSubscriber.Create()).ToList();
        await Parallel.ForEachAsync(readers, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (reader, _) => await fixture.Server.SubscribeAsync(push, reader, [section]));
        return readers;
    }

    private static object Alert(string title, string section) => new
    {
        title, body = "Details on the site.", url = $"https://news.example/{section}/{Guid.NewGuid():N}", sections = new[] { section },
    };
}
