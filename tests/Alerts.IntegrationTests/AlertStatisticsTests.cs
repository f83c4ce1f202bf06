using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.IntegrationTests.Infrastructure;
using Alerts.Testing;

namespace Alerts.IntegrationTests;

/// <summary>The figures editors see match what the push service received. Its own store, so totals are exact.</summary>
public sealed class AlertStatisticsTests(ProductionModeFixture fixture) : IClassFixture<ProductionModeFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Statistics_match_what_the_push_service_received()
    {
        var (push, server) = (fixture.Push, fixture.Server);
        var readers = Enumerable.Range(0, 4).Select(_ => TestSubscriber.Create()).ToList();
        var gone = TestSubscriber.Create();
        var failing = TestSubscriber.Create();
        foreach (var reader in readers.Append(gone).Append(failing)) await server.SubscribeAsync(push, reader, ["world"]);
        push.Script(gone, FakeResponse.Gone());
        push.Script(failing, FakeResponse.Status(400));
        var editor = server.Editor();

        var id = await editor.SendAcceptedAlertAsync(new
        {
            title = "Ceasefire announced", body = "Both sides agreed overnight.", url = "https://news.example/world/ceasefire", sections = new[] { "world" },
        });
        var alert = await server.WaitForAlertAsync(id, "done", Timeout);
        var received = push.Received.Of(id).ToList();
        // Two readers click (the first one twice): each reader's push carries its own click token.
        var tokens = push.Delivered.Of(id).Select(p => p.Payload.GetProperty("clickToken").GetString()).Take(2).ToList();
        foreach (var token in tokens.Prepend(tokens[0]))
            Assert.Equal(HttpStatusCode.NoContent, (await server.CreateClient().PostAsync($"/api/alerts/{id}/clicks?token={token}", null)).StatusCode);

        Assert.Equal(6, alert.GetProperty("targeted").GetInt32());
        Assert.Equal(received.Count(p => p.WasDelivered), alert.GetProperty("sent").GetInt32());
        Assert.Equal(4, alert.GetProperty("sent").GetInt32());
        Assert.Equal(received.Count(p => p.AnsweredStatus == 410), alert.GetProperty("gone").GetInt32());
        Assert.Equal(1, alert.GetProperty("gone").GetInt32());
        Assert.Equal(received.Count(p => p.AnsweredStatus == 400), alert.GetProperty("failed").GetInt32());
        Assert.Equal(1, alert.GetProperty("failed").GetInt32());
        Assert.Equal(2, (await server.GetAlertAsync(id)).GetProperty("clicked").GetInt32());

        var hours = await editor.GetFromJsonAsync<JsonElement[]>("/api/alerts/stats?hours=24") ?? [];
        Assert.Equal(24, hours.Length);
        var times = hours.Select(h => h.GetProperty("hour").GetDateTime().ToUniversalTime()).ToList();
        Assert.Equal(times.Order().ToList(), times);
        Assert.All(times, t => Assert.Equal(0, t.Minute + t.Second));
        Assert.EndsWith("Z", hours[^1].GetProperty("hour").GetString());
        Assert.Equal(push.Delivered.Count, hours.Sum(h => h.GetProperty("sent").GetInt32()));
        Assert.Equal(2, hours.Sum(h => h.GetProperty("clicks").GetInt32()));
        Assert.True(DateTime.UtcNow - times[^1] < TimeSpan.FromHours(1), $"The last hour is {times[^1]:O}, not the current one.");
    }

    [Fact]
    public async Task Statistics_route_is_not_taken_for_an_alert_id()
    {
        var response = await fixture.Server.Editor().GetAsync("/api/alerts/stats");
        var bad = await fixture.Server.Editor().GetAsync("/api/alerts/stats?hours=0");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(24, (await response.Content.ReadFromJsonAsync<JsonElement[]>())!.Length);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
