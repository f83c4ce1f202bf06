using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.IntegrationTests.Infrastructure;
using Alerts.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.IntegrationTests.Delivery;

/// <summary>Small batches and quick retries, so a few dozen readers make several batches and retries take a second.</summary>
public sealed class SmallBatchesFixture : ProductionModeFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Alerts:Push:BatchSize"] = "4";
        settings["Alerts:Push:RetryBaseDelay"] = "00:00:00.200";
    }
}

/// <summary>
/// README's delivery guarantees, in process on RabbitMQ and PostgreSQL: every reader exactly once under
/// client retries, a broken subscription, a failing push service and a bus outage. (Killed workers and
/// store or broker outages are in tests/Alerts.FaultTests, with real processes.)
/// </summary>
public sealed class DeliveryGuaranteeTests(SmallBatchesFixture fixture) : IClassFixture<SmallBatchesFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_same_alert_posted_ten_times_at_once_with_one_idempotency_key_reaches_every_reader_once()
    {
        var section = "lifestyle";
        var readers = await SubscribeAsync(12, section);

        var key = $"same-{Guid.NewGuid():N}";
        var alert = Alert("Ten retries, one alert", section); // a client retrying sends the very same request
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => fixture.Server.Editor().SendAlertAsync(alert, key)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.Response.StatusCode));
        var ids = answers.Select(a => a.Body.GetProperty("id").GetGuid()).Distinct().ToList();
        var id = Assert.Single(ids);
        // Done means every reader's outcome is recorded, and an outcome is recorded only after the push
        // service answered: no push of this alert can still be on its way.
        var done = await fixture.Server.WaitForAlertAsync(id, "done", Timeout);
        Assert.All(readers, r => Assert.Single(fixture.Push.ReceivedBy(r).Of(id)));
        Assert.Equal(readers.Count, done.GetProperty("sent").GetInt32());
    }

    [Fact]
    public async Task A_reader_whose_stored_key_cannot_be_used_fails_alone_and_the_alert_ends_done()
    {
        var section = "videos";
        var readers = await SubscribeAsync(10, section);
        var broken = readers[5];
        await using (var scope = fixture.Server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
            await db.Subscriptions.Where(s => s.Endpoint == fixture.Push.EndpointFor(broken))
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.P256dh, "BAAA=="));
        }

        var id = await fixture.Server.Editor().SendAcceptedAlertAsync(Alert("One bad key, nobody else hurt", section));
        var done = await fixture.Server.WaitForAlertAsync(id, "done", Timeout);

        Assert.All(readers.Where(r => r != broken), r => Assert.Single(fixture.Push.ReceivedBy(r).Of(id)));
        Assert.Empty(fixture.Push.ReceivedBy(broken).Of(id));
        Assert.Equal(readers.Count - 1, done.GetProperty("sent").GetInt32());
        Assert.Equal(1, done.GetProperty("failed").GetInt32());
        Assert.Equal(0, done.GetProperty("pending").GetInt32());
    }

    [Fact]
    public async Task A_push_service_failing_each_push_twice_still_reaches_every_reader_once_and_removes_nobody()
    {
        var section = "entertainment";
        var readers = await SubscribeAsync(9, section);
        foreach (var reader in readers) fixture.Push.Script(reader, FakeResponse.ServerError(), FakeResponse.Status(429));
        var audience = await fixture.Server.AudienceAsync(section);

        var id = await fixture.Server.Editor().SendAcceptedAlertAsync(Alert("Third time lucky", section));
        var done = await fixture.Server.WaitForAlertAsync(id, "done", Timeout);

        Assert.All(readers, r => Assert.Single(fixture.Push.Delivered.Where(p => p.SubscriberId == r.Id).Of(id)));
        Assert.All(readers, r => Assert.Equal(3, fixture.Push.ReceivedBy(r).Of(id).Count()));
        Assert.Equal(readers.Count, done.GetProperty("sent").GetInt32());
        Assert.Equal(0, done.GetProperty("failed").GetInt32());
        Assert.Equal(audience, await fixture.Server.AudienceAsync(section));
    }

    [Fact]
    public async Task A_push_the_service_keeps_refusing_past_the_ttl_is_expired_not_failed_and_the_reader_stays()
    {
        var section = "tv-shows";
        var readers = await SubscribeAsync(1, section);
        // Come back in two minutes, for an alert that is news for one minute.
        fixture.Push.Script(readers[0], new FakeResponse(503, RetryAfterSeconds: 120));

        var id = await fixture.Server.Editor().SendAcceptedAlertAsync(new
        {
            title = "Only news for a minute", body = "It will not wait.", url = "https://news.example/tv/minute", sections = new[] { section }, ttlSeconds = 60,
        });
        var ended = await fixture.Server.WaitForAlertAsync(id, "expired", Timeout);

        Assert.Equal(1, ended.GetProperty("expired").GetInt32());
        Assert.Equal(0, ended.GetProperty("failed").GetInt32());
        Assert.Equal(1, await fixture.Server.AudienceAsync(section));
    }

    [Fact]
    public async Task An_article_whose_push_could_never_fit_is_refused_at_the_door_over_http_and_over_rabbitmq()
    {
        var longUrl = "https://news.example/" + new string('a', 2000);
        var article = new
        {
            articleId = $"long-{Guid.NewGuid():N}", title = "Too long to push", url = longUrl, imageUrl = longUrl + ".jpg", sections = new[] { "world" },
        };

        var response = await fixture.Server.Editor().PostAsJsonAsync("/api/articles", article);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("4096-byte limit", problem.GetProperty("detail").GetString());

        await fixture.PublishRawAsync(JsonSerializer.Serialize(article));
        var faulted = await fixture.GetFromQueueAsync("article-published_error", Timeout);
        Assert.NotNull(faulted);
        var reason = System.Text.Encoding.UTF8.GetString((byte[])faulted.BasicProperties.Headers!["MT-Fault-Message"]!);
        Assert.Contains("4096-byte limit", reason);
    }

    [Fact]
    public async Task An_alert_is_accepted_while_the_bus_is_unreachable_and_goes_out_once_when_it_returns()
    {
        var section = "pakistan";
        var readers = await SubscribeAsync(6, section);
        await LocalServices.CutOffVirtualHostAsync(fixture.Name);
        Guid id;
        try
        {
            await WaitUntilTheBusIsReportedDownAsync();
            var started = DateTime.UtcNow;
            id = await fixture.Server.Editor().SendAcceptedAlertAsync(Alert("Accepted without a bus", section));
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "The 202 must not wait for the bus.");
            Assert.Empty(fixture.Push.Received.Of(id));
            Assert.Equal("queued", (await fixture.Server.GetAlertAsync(id)).GetProperty("status").GetString());
        }
        finally
        {
            await LocalServices.RestoreVirtualHostAsync(fixture.Name);
        }

        await fixture.Server.WaitForAlertAsync(id, "done", TimeSpan.FromSeconds(90));
        Assert.All(readers, r => Assert.Single(fixture.Push.ReceivedBy(r).Of(id)));
    }

    /// <summary>Readiness reports the bus as not healthy: from then on nothing can be published.</summary>
    private async Task WaitUntilTheBusIsReportedDownAsync()
    {
        var client = fixture.Server.CreateClient();
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var last = await (await client.GetAsync("/health/ready")).Content.ReadAsStringAsync();
            var bus = JsonDocument.Parse(last).RootElement.GetProperty("checks").EnumerateObject().First(c => c.Name.Contains("bus", StringComparison.Ordinal));
            if (bus.Value.GetProperty("status").GetString() != "Healthy") return;
            Assert.True(DateTime.UtcNow < deadline, $"/health/ready still reports the bus as healthy after its connections were cut off: {last}");
            await Task.Delay(100);
        }
    }

    private async Task<List<TestSubscriber>> SubscribeAsync(int count, string section)
    {
        var readers = Enumerable.Range(0, count).Select(_ => TestSubscriber.Create()).ToList();
        foreach (var reader in readers) await fixture.Server.SubscribeAsync(fixture.Push, reader, [section]);
        return readers;
    }

    private static object Alert(string title, string section) => new
    {
        title, body = "Details on the site.", url = $"https://news.example/{section}/{Guid.NewGuid():N}", sections = new[] { section },
    };
}
