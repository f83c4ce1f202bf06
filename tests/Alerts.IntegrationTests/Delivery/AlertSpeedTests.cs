using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.IntegrationTests.Infrastructure;
using Alerts.IntegrationTests.Security;

namespace Alerts.IntegrationTests.Delivery;

/// <summary>
/// Speed per alert on RabbitMQ and PostgreSQL: readers on two push services that answer at different speeds;
/// GET /api/alerts/{id} gives the time until each share of the readers was answered, and per push service
/// the outcomes, displays and median answer time. Displays count once per push's token.
/// </summary>
public sealed class AlertSpeedTests(TwoPushServicesFixture fixture) : IClassFixture<TwoPushServicesFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Percentiles_and_per_service_figures_tell_a_slow_push_service_from_a_fast_one()
    {
        const string section = "entertainment";
        fixture.Slow.Latency = TimeSpan.FromMilliseconds(600);
        fixture.Push.Latency = TimeSpan.Zero;
        var fast = await SubscribeAsync(fixture.Push, 6, section);
        var slow = await SubscribeAsync(fixture.Slow, 6, section);
        fixture.Push.Script(fast[0], FakeResponse.Gone());
        fixture.Push.Script(fast[1], FakeResponse.Status(400));

        var id = await fixture.Server.Editor().SendAcceptedAlertAsync(Alert("Two push services", section));
        await fixture.Server.WaitForAlertAsync(id, "done", Timeout);

        // One reader of each service shows it; the fast one reports three times.
        var client = fixture.Server.CreateClient();
        var fastToken = TokenOf(fixture.Push, fast[2], id);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/alerts/{id}/displays?token={fastToken}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/alerts/{id}/displays?token={TokenOf(fixture.Slow, slow[0], id)}", null)).StatusCode);

        var alert = await fixture.Server.GetAlertAsync(id);
        Assert.Equal(2, alert.GetProperty("displayed").GetInt32());
        var services = alert.GetProperty("byService").EnumerateArray().ToDictionary(s => s.GetProperty("host").GetString()!);
        Assert.Equal(2, services.Count);
        var fastFigures = services[new Uri(fixture.Push.Origin).Host];
        var slowFigures = services[new Uri(fixture.Slow.Origin).Host];
        Assert.Equal((4, 1, 1, 1), Figures(fastFigures));
        Assert.Equal((6, 0, 0, 1), Figures(slowFigures));
        var fastMedian = fastFigures.GetProperty("p50Ms").GetInt64();
        var slowMedian = slowFigures.GetProperty("p50Ms").GetInt64();
        Assert.True(slowMedian >= 600 && slowMedian >= fastMedian + 400,
            $"The slow push service answers after 600 ms, the fast one at once: their medians were {slowMedian} ms and {fastMedian} ms. {alert}");

        // 12 readers: the 6th answer (50 %) is the last of the fast service's; the 11th (90 %) and 12th (99 %) are the slow one's.
        var percent = alert.GetProperty("timeToPercent");
        var p50 = percent.GetProperty("50").GetInt64();
        var p90 = percent.GetProperty("90").GetInt64();
        var p99 = percent.GetProperty("99").GetInt64();
        Assert.True(p50 <= p90 && p90 <= p99, $"Percentiles out of order: {percent}");
        Assert.True(p90 >= p50 + 400 && p99 >= 600, $"90 % and 99 % should wait for the slow push service: {percent}; per service: {alert.GetProperty("byService")}");

        // The list carries the displays too, without the per-alert figures.
        var listed = await fixture.Server.WaitForAlertAsync(id, "done", Timeout);
        Assert.Equal(2, listed.GetProperty("displayed").GetInt32());
        Assert.False(listed.TryGetProperty("byService", out _));
    }

    [Fact]
    public async Task A_share_not_yet_answered_is_null_until_its_push_service_answers()
    {
        const string section = "lifestyle";
        fixture.Slow.Latency = TimeSpan.FromSeconds(4);
        fixture.Push.Latency = TimeSpan.Zero;
        await SubscribeAsync(fixture.Push, 9, section);
        await SubscribeAsync(fixture.Slow, 1, section);

        var id = await fixture.Server.Editor().SendAcceptedAlertAsync(Alert("One reader waits", section));
        var deadline = DateTime.UtcNow + Timeout;
        JsonElement alert;
        while (true)
        {
            alert = await fixture.Server.GetAlertAsync(id);
            if (alert.GetProperty("timeToPercent").GetProperty("50").ValueKind == JsonValueKind.Number) break;
            Assert.True(DateTime.UtcNow < deadline, $"Half the readers were never answered: {alert}");
            await Task.Delay(50);
        }
        Assert.Equal("sending", alert.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("timeToPercent").GetProperty("99").ValueKind);

        await fixture.Server.WaitForAlertAsync(id, "done", Timeout);
        var done = await fixture.Server.GetAlertAsync(id);
        Assert.True(done.GetProperty("timeToPercent").GetProperty("99").GetInt64() >= 4000, $"{done.GetProperty("timeToPercent")}");
    }

    [Fact]
    public async Task A_display_without_a_valid_token_is_refused_and_counts_nothing()
    {
        var reader = TestSubscriber.Create();
        await fixture.Server.SubscribeAsync(fixture.Push, reader, ["videos"]);
        fixture.Push.Latency = TimeSpan.Zero;
        var id = await fixture.Server.Editor().SendAcceptedAlertAsync(Alert("Displays need the token", "videos"));
        await fixture.Server.WaitForAlertAsync(id, "done", Timeout);
        var token = TokenOf(fixture.Push, reader, id);
        var client = fixture.Server.CreateClient();

        var missing = await client.PostAsync($"/api/alerts/{id}/displays", null);
        var forged = await client.PostAsync($"/api/alerts/{id}/displays?token={token[..^2]}AA", null);
        var otherAlert = await client.PostAsync($"/api/alerts/{Guid.NewGuid()}/displays?token={token}", null);

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("token", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, otherAlert.StatusCode);
        Assert.Equal(0, (await fixture.Server.GetAlertAsync(id)).GetProperty("displayed").GetInt32());
    }

    private static (int Sent, int Failed, int Gone, int Displayed) Figures(JsonElement service) => (
        service.GetProperty("sent").GetInt32(), service.GetProperty("failed").GetInt32(),
        service.GetProperty("gone").GetInt32(), service.GetProperty("displayed").GetInt32());

    private static string TokenOf(FakePushService push, TestSubscriber reader, Guid id) =>
        push.ReceivedBy(reader).Of(id).Single().Payload.GetProperty("clickToken").GetString()!;

    private async Task<List<TestSubscriber>> SubscribeAsync(FakePushService push, int count, string section)
    {
        var readers = Enumerable.Range(0, count).Select(_ => TestSubscriber.Create()).ToList();
        foreach (var reader in readers) await fixture.Server.SubscribeAsync(push, reader, [section]);
        return readers;
    }

    internal static object Alert(string title, string section) => new
    {
        title, body = "Details on the site.", url = $"https://news.example/{section}/{Guid.NewGuid():N}", sections = new[] { section },
    };
}

/// <summary>The same figures in the embedded mode (SQLite), where the answer times are stored as text.</summary>
public sealed class EmbeddedAlertSpeedTests
{
    [Fact]
    public async Task Speed_and_displays_are_read_from_the_sqlite_ledger()
    {
        await using var embedded = await EmbeddedServer.StartAsync();
        embedded.Push.Latency = TimeSpan.FromMilliseconds(300);
        var readers = Enumerable.Range(0, 3).Select(_ => TestSubscriber.Create()).ToList();
        foreach (var reader in readers) await embedded.Server.SubscribeAsync(embedded.Push, reader, ["world"]);

        var id = await embedded.Server.Editor().SendAcceptedAlertAsync(AlertSpeedTests.Alert("Embedded speed", "world"));
        await embedded.Server.WaitForAlertAsync(id, "done", TimeSpan.FromSeconds(30));
        var token = embedded.Push.ReceivedBy(readers[0]).Of(id).Single().Payload.GetProperty("clickToken").GetString()!;
        var client = embedded.Server.CreateClient();
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/alerts/{id}/displays?token={token}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/alerts/{id}/displays?token={token}", null)).StatusCode);

        var alert = await embedded.Server.GetAlertAsync(id);
        Assert.Equal(1, alert.GetProperty("displayed").GetInt32());
        var service = Assert.Single(alert.GetProperty("byService").EnumerateArray());
        Assert.Equal(new Uri(embedded.Push.Origin).Host, service.GetProperty("host").GetString());
        Assert.Equal(3, service.GetProperty("sent").GetInt32());
        Assert.Equal(1, service.GetProperty("displayed").GetInt32());
        Assert.True(service.GetProperty("p50Ms").GetInt64() >= 300, $"{service}");
        var percent = alert.GetProperty("timeToPercent");
        foreach (var p in new[] { "50", "90", "99" })
            Assert.True(percent.GetProperty(p).GetInt64() >= 300, $"The push service answers after 300 ms: {percent}");
    }
}
