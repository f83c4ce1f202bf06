using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.IntegrationTests.Infrastructure;

namespace Alerts.IntegrationTests.FrequencyCap;

/// <summary>The reader's daily limit (maxPerDay) on PostgreSQL and RabbitMQ, with the service's clock in the test's hands.</summary>
public sealed class DailyLimitTests(FakeClockFixture fixture) : IClassFixture<FakeClockFixture>
{
    [Fact]
    public async Task Reader_with_a_limit_of_two_gets_two_articles_then_one_push_for_the_rest_at_the_end_of_their_day_and_breaking_news_passes() =>
        await DailyLimitScenario.RunAsync(fixture.Server, fixture.Push, fixture.Clock);

    [Fact]
    public async Task Limit_is_read_and_replaced_with_the_other_preferences_and_refused_outside_1_to_50()
    {
        var created = await DailyLimitScenario.SubscribeAsync(fixture.Server, fixture.Push, TestSubscriber.Create(), ["sports"], "Asia/Karachi", maxPerDay: 5);
        var id = created.GetProperty("id").GetString();
        var client = fixture.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.GetProperty("token").GetString());
        Assert.Equal(5, (await client.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{id}")).GetProperty("maxPerDay").GetInt32());

        var refused = await client.PutAsJsonAsync($"/api/subscriptions/{id}", new { sections = new[] { "sports" }, delivery = new { mode = "instant" }, maxPerDay = 51 });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("maxPerDay:", problem.GetProperty("detail").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("maxPerDay", out _), problem.ToString());
        Assert.Equal(5, (await client.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{id}")).GetProperty("maxPerDay").GetInt32());

        var changed = await client.PutAsJsonAsync($"/api/subscriptions/{id}", new { sections = new[] { "sports" }, delivery = new { mode = "instant" }, maxPerDay = 3 });
        Assert.Equal(3, (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("maxPerDay").GetInt32());

        // Preferences are replaced as a whole: without maxPerDay there is no limit.
        var cleared = await client.PutAsJsonAsync($"/api/subscriptions/{id}", new { sections = new[] { "sports" }, delivery = new { mode = "instant" } });
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await client.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{id}")).GetProperty("maxPerDay").ValueKind);
    }
}
