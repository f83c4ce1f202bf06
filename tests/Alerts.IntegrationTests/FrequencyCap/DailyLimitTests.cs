using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.Digests;
using Alerts.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.IntegrationTests.FrequencyCap;

/// <summary>The reader's daily limit (maxPerDay) on PostgreSQL and RabbitMQ, with the service's clock in the test's hands.</summary>
public sealed class DailyLimitTests(FakeClockFixture fixture) : IClassFixture<FakeClockFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Reader_with_a_limit_of_two_gets_two_articles_then_one_push_for_the_rest_at_the_end_of_their_day_and_breaking_news_passes() =>
        await DailyLimitScenario.RunAsync(fixture.Server, fixture.Push, fixture.Clock);

    [Fact]
    public async Task Past_the_limit_with_quiet_hours_over_midnight_the_article_waits_for_their_end_and_comes_as_itself()
    {
        // 23:xx in the reader's zone; quiet from 23:30 to 01:00, so their midnight is quiet.
        var zone = DailyLimitScenario.ZoneWhereItIsElevenPm(fixture.Clock.GetUtcNow());
        var reader = TestSubscriber.Create();
        await DailyLimitScenario.SubscribeAsync(fixture.Server, fixture.Push, reader, ["health"], zone, maxPerDay: 1, quietHours: new { from = "23:30", to = "01:00" });
        var run = Guid.NewGuid().ToString("N")[..8];
        await DailyLimitScenario.PostArticleAsync(fixture.Server, fixture.Clock, $"health-{run}-1", "Clinics open late", minutesAfterNow: 1, section: "health");
        await DailyLimitScenario.WaitUntilDoneAsync(fixture.Server, "Clinics open late");
        await DailyLimitScenario.PostArticleAsync(fixture.Server, fixture.Clock, $"health-{run}-2", "Flu season starts early", minutesAfterNow: 2, section: "health");
        var held = await DailyLimitScenario.WaitUntilDoneAsync(fixture.Server, "Flu season starts early");
        Assert.Equal(1, held.GetProperty("held").GetInt32());
        Assert.Equal(["Clinics open late"], fixture.Push.ReceivedBy(reader).Select(DailyLimitScenario.Title));

        var releaser = fixture.Server.Services.GetRequiredService<HeldDeliveryReleaser>();
        var offset = TimeZoneInfo.FindSystemTimeZoneById(zone).BaseUtcOffset;
        var untilMidnight = TimeSpan.FromDays(1) - fixture.Clock.GetUtcNow().ToOffset(offset).TimeOfDay;
        fixture.Clock.Advance(untilMidnight + TimeSpan.FromMinutes(1));
        Assert.Equal(0, await releaser.RunDueAsync()); // 00:01, still quiet

        fixture.Clock.Advance(TimeSpan.FromHours(1)); // 01:01
        Assert.Equal(1, await releaser.RunDueAsync());
        await fixture.Push.WaitForRequestsAsync(all => all.Count(p => p.SubscriberId == reader.Id) == 2, Timeout);
        var released = fixture.Push.ReceivedBy(reader)[1];
        Assert.Equal("article", released.Payload.GetProperty("kind").GetString());
        Assert.Equal("Flu season starts early", DailyLimitScenario.Title(released));
        Assert.Equal($"https://news.example/health/health-{run}-2", released.Payload.GetProperty("url").GetString());
        Assert.Equal(0, await releaser.RunDueAsync());
    }

    [Fact]
    public async Task Limit_is_read_and_replaced_with_the_other_preferences_and_refused_outside_1_to_50()
    {
        var created = await DailyLimitScenario.SubscribeAsync(fixture.Server, fixture.Push, TestSubscriber.Create(), ["sports"], "Asia/Karachi", maxPerDay: 5);
        var id = created.GetProperty("id").GetString();
        var client = fixture.Server.WithKey(created.GetProperty("token").GetString()!);
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
