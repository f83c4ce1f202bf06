using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.IntegrationTests.Infrastructure;

namespace Alerts.IntegrationTests.Delivery;

/// <summary>A click counts once per reader and push: the push's own click token says who clicked.</summary>
public sealed class ClickCountingTests(ProductionModeFixture fixture) : IClassFixture<ProductionModeFixture>
{
    [Fact]
    public async Task Five_clicks_from_one_push_count_once_and_clicks_without_a_valid_token_count_nothing()
    {
        var reader = TestSubscriber.Create();
        var other = TestSubscriber.Create();
        await fixture.Server.SubscribeAsync(fixture.Push, reader, ["health"]);
        await fixture.Server.SubscribeAsync(fixture.Push, other, ["health"]);
        var id = await fixture.Server.Editor().SendAcceptedAlertAsync(new
        {
            title = "Clinic hours extended", body = "Open until ten.", url = "https://news.example/health/hours", sections = new[] { "health" },
        });
        await fixture.Server.WaitForAlertAsync(id, "done", TimeSpan.FromSeconds(30));
        var token = fixture.Push.ReceivedBy(reader).Of(id).Single().Payload.GetProperty("clickToken").GetString()!;
        var client = fixture.Server.CreateClient();

        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/alerts/{id}/clicks?token={token}", null)).StatusCode);
        var missing = await client.PostAsync($"/api/alerts/{id}/clicks", null);
        var forged = await client.PostAsync($"/api/alerts/{id}/clicks?token={token[..^2]}AA", null);
        var otherAlert = await client.PostAsync($"/api/alerts/{Guid.NewGuid()}/clicks?token={token}", null);

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("token", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, otherAlert.StatusCode);
        Assert.Equal(1, (await fixture.Server.GetAlertAsync(id)).GetProperty("clicked").GetInt32());
    }
}
