using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.IntegrationTests.Infrastructure;
using Alerts.Subscriptions;

namespace Alerts.IntegrationTests.Headlines;

/// <summary>
/// A headline test decides on its own at decideAfterMinutes (the service's clock is the test's), and a
/// cancelled test never decides: its readers outside the sample get nothing.
/// </summary>
public sealed class HeadlineTestScheduleTests(FakeClockFixture fixture) : IClassFixture<FakeClockFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_test_is_decided_at_its_time_and_the_winner_reaches_the_rest_with_a_fresh_ttl()
    {
        await ImportAsync(60, "lifestyle");
        var id = await SendTestAsync("lifestyle", ttlSeconds: 900);
        var sample = await HeadlineTestSteps.WaitForSampleSentAsync(fixture.Server, fixture.Push, id);
        await HeadlineTestSteps.ClickAsync(fixture.Server, id, sample.Where(p => Title(p) == "Second").Take(3));

        fixture.Clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal("sending", (await fixture.Server.GetAlertAsync(id)).GetProperty("status").GetString());
        // Past the decision, within the TTL counted from it (10 + 9 minutes after sending, the TTL is 15).
        fixture.Clock.Advance(TimeSpan.FromMinutes(10));
        await fixture.Server.WaitForAlertAsync(id, "done", Timeout);

        var alert = await fixture.Server.GetAlertAsync(id);
        Assert.Equal(2, alert.GetProperty("winner").GetInt32());
        Assert.Equal(60, alert.GetProperty("sent").GetInt32());
        Assert.Equal(0, alert.GetProperty("expired").GetInt32());
        var sampled = sample.Select(p => p.SubscriberId).ToHashSet();
        Assert.All(fixture.Push.Delivered.Of(id).Where(p => !sampled.Contains(p.SubscriberId)), p => Assert.Equal("Second", Title(p)));
        Assert.All(fixture.Push.DeliveredPerSubscriber(id.ToString()), r => Assert.Equal(1, r.Value));
    }

    [Fact]
    public async Task A_cancelled_test_is_never_decided_and_the_rest_get_nothing()
    {
        await ImportAsync(60, "videos");
        var id = await SendTestAsync("videos", ttlSeconds: 3600);
        var sample = await HeadlineTestSteps.WaitForSampleSentAsync(fixture.Server, fixture.Push, id);

        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Server.Editor().DeleteAsync($"/api/alerts/{id}")).StatusCode);
        var decideNow = await fixture.Server.Editor().PostAsync($"/api/alerts/{id}/test/decide", null);
        fixture.Clock.Advance(TimeSpan.FromMinutes(11));
        await WaitUntilOutboxEmptyAsync(id); // the decision's planner run has come and gone

        Assert.Equal(HttpStatusCode.Conflict, decideNow.StatusCode);
        var alert = await fixture.Server.GetAlertAsync(id);
        Assert.Equal("cancelled", alert.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("test").GetProperty("winner").ValueKind);
        Assert.Equal(sample.Count, fixture.Push.Delivered.Of(id).Count());
        Assert.Equal(sample.Count, alert.GetProperty("targeted").GetInt32());
    }

    private async Task ImportAsync(int count, string section)
    {
        var response = await fixture.Server.Admin().PostAsync(SubscriptionImportApi.Route, AudienceNdjson.For(fixture.Push, count, [section], keyPool: 10));
        Assert.Equal(count, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32());
    }

    private async Task<Guid> SendTestAsync(string section, int ttlSeconds) =>
        await fixture.Server.Editor().SendAcceptedAlertAsync(new
        {
            url = $"https://news.example/{section}/{Guid.NewGuid():N}", sections = new[] { section }, ttlSeconds,
            variants = new[] { new { title = "First", body = "One." }, new { title = "Second", body = "Two." } },
            test = new { sample = 0.5, decideAfterMinutes = 10 },
        });

    private async Task WaitUntilOutboxEmptyAsync(Guid id)
    {
        await using var connection = new Npgsql.NpgsqlConnection(fixture.PostgresConnectionString);
        await connection.OpenAsync();
        for (var deadline = DateTime.UtcNow + Timeout; ; await Task.Delay(100))
        {
            await using var command = new Npgsql.NpgsqlCommand("""SELECT count(*) FROM outbox_messages WHERE "NotificationId" = @n""", connection);
            command.Parameters.AddWithValue("n", id);
            if ((long)(await command.ExecuteScalarAsync())! == 0) return;
            Assert.True(DateTime.UtcNow < deadline, "The alert's outbox rows were not consumed in time.");
        }
    }

    private static string Title(Alerts.Testing.ReceivedPush push) => push.Payload.GetProperty("title").GetString() ?? "";
}
