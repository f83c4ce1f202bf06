using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.IntegrationTests.Infrastructure;

namespace Alerts.IntegrationTests.Mutes;

/// <summary>
/// A reader mutes a section (the notification's "Mute" action): matching skips that section for them until
/// the mute ends or is lifted. The service's clock is the test's, so "until it ends" is tested without waiting.
/// </summary>
public sealed class MuteTests(FakeClockFixture fixture) : IClassFixture<FakeClockFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private async Task<Guid> SendAndWaitAsync(string title, string section)
    {
        var id = await fixture.Server.Editor().SendAcceptedAlertAsync(new
        {
            title, body = "Details to follow.", url = $"https://news.example/{section}/{Guid.NewGuid():N}", sections = new[] { section },
        });
        await fixture.Server.WaitForAlertAsync(id, "done", Timeout);
        return id;
    }

    [Fact]
    public async Task Muted_section_skips_the_reader_until_the_mute_ends_and_a_lifted_mute_lets_it_through()
    {
        var muting = TestSubscriber.Create();
        var other = TestSubscriber.Create();
        var reader = await fixture.Server.SubscribeAsync(fixture.Push, muting, ["sports", "health"]);
        await fixture.Server.SubscribeAsync(fixture.Push, other, ["sports"]);
        var client = fixture.Server.WithKey(reader.Token);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync($"/api/subscriptions/{reader.Id}/mutes", new { section = "sports", hours = 2 })).StatusCode);
        var view = await client.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{reader.Id}");
        var mute = Assert.Single(view.GetProperty("mutes").EnumerateArray());
        Assert.Equal("sports", mute.GetProperty("section").GetString());
        Assert.Equal(fixture.Clock.GetUtcNow().UtcDateTime.AddHours(2), mute.GetProperty("until").GetDateTime().ToUniversalTime(), TimeSpan.FromSeconds(1));

        var whileMuted = await SendAndWaitAsync("Cup final tonight", "sports");
        var otherSection = await SendAndWaitAsync("Clinics open late", "health");
        Assert.Empty(fixture.Push.ReceivedBy(muting).Of(whileMuted));
        Assert.Single(fixture.Push.ReceivedBy(other).Of(whileMuted));
        Assert.Single(fixture.Push.ReceivedBy(muting).Of(otherSection));

        fixture.Clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
        var afterItEnded = await SendAndWaitAsync("Cup final: extra time", "sports");
        Assert.Single(fixture.Push.ReceivedBy(muting).Of(afterItEnded));
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{reader.Id}")).GetProperty("mutes").EnumerateArray());

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync($"/api/subscriptions/{reader.Id}/mutes", new { section = "sports", hours = 24 })).StatusCode);
        var mutedAgain = await SendAndWaitAsync("Cup final: penalties", "sports");
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/subscriptions/{reader.Id}/mutes/sports")).StatusCode);
        var lifted = await SendAndWaitAsync("Cup final: the winners", "sports");
        Assert.Empty(fixture.Push.ReceivedBy(muting).Of(mutedAgain));
        Assert.Single(fixture.Push.ReceivedBy(muting).Of(lifted));
    }

    [Fact]
    public async Task Alert_to_everyone_still_reaches_a_reader_who_muted_a_section()
    {
        var muting = TestSubscriber.Create();
        var reader = await fixture.Server.SubscribeAsync(fixture.Push, muting, ["videos"]);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Server.WithKey(reader.Token).PostAsJsonAsync($"/api/subscriptions/{reader.Id}/mutes", new { section = "videos", hours = 1 })).StatusCode);

        var everyone = await fixture.Server.Editor().SendAcceptedAlertAsync(new { title = "Polls close", body = "Results from ten.", url = "https://news.example/pakistan/polls" });
        await fixture.Server.WaitForAlertAsync(everyone, "done", Timeout);

        var push = Assert.Single(fixture.Push.ReceivedBy(muting).Of(everyone)).Payload;
        // No section to mute on an alert to everyone: only "Read".
        Assert.Equal(["read"], push.GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task Sectioned_push_carries_read_and_mute_actions_naming_its_first_section()
    {
        var subscriber = TestSubscriber.Create();
        await fixture.Server.SubscribeAsync(fixture.Push, subscriber, ["tv-shows"]);

        var id = await SendAndWaitAsync("Drama returns for a final season", "tv-shows");

        var actions = Assert.Single(fixture.Push.ReceivedBy(subscriber).Of(id)).Payload.GetProperty("actions");
        Assert.Equal("read", actions[0].GetProperty("action").GetString());
        Assert.Equal("Read", actions[0].GetProperty("title").GetString());
        Assert.Equal("mute", actions[1].GetProperty("action").GetString());
        Assert.Equal("Mute TV Shows for a day", actions[1].GetProperty("title").GetString());
        Assert.Equal("tv-shows", actions[1].GetProperty("section").GetString());
        Assert.Equal(24, actions[1].GetProperty("hours").GetInt32());
    }

    [Theory]
    [InlineData("{\"section\":\"sports\",\"hours\":0}", "hours")]
    [InlineData("{\"section\":\"sports\",\"hours\":169}", "hours")]
    [InlineData("{\"section\":\"sports\"}", "hours")]
    [InlineData("{\"section\":\"cricket-gossip\",\"hours\":24}", "section")]
    [InlineData("{\"hours\":24}", "section")]
    public async Task Mute_with_bad_input_is_refused_naming_the_field(string json, string field)
    {
        var reader = await fixture.Server.SubscribeAsync(fixture.Push, TestSubscriber.Create(), ["sports"]);

        var response = await fixture.Server.WithKey(reader.Token).PostAsync($"/api/subscriptions/{reader.Id}/mutes", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith($"{field}:", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Mute_routes_need_the_subscriptions_own_token()
    {
        var reader = await fixture.Server.SubscribeAsync(fixture.Push, TestSubscriber.Create(), ["sports"]);
        var someoneElse = await fixture.Server.SubscribeAsync(fixture.Push, TestSubscriber.Create(), ["sports"]);
        var mute = new { section = "sports", hours = 24 };

        var anonymous = await fixture.Server.CreateClient().PostAsJsonAsync($"/api/subscriptions/{reader.Id}/mutes", mute);
        var borrowed = await fixture.Server.WithKey(someoneElse.Token).PostAsJsonAsync($"/api/subscriptions/{reader.Id}/mutes", mute);
        var liftWithBorrowed = await fixture.Server.WithKey(someoneElse.Token).DeleteAsync($"/api/subscriptions/{reader.Id}/mutes/sports");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, borrowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, liftWithBorrowed.StatusCode);
        Assert.Empty((await fixture.Server.WithKey(reader.Token).GetFromJsonAsync<JsonElement>($"/api/subscriptions/{reader.Id}")).GetProperty("mutes").EnumerateArray());
    }
}
