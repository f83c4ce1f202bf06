using System.Net.Http.Json;
using System.Text.Json;
using Alerts.Digests;
using Alerts.IntegrationTests.Infrastructure;
using Alerts.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.IntegrationTests;

/// <summary>Articles that arrive in a reader's quiet hours wait for them to end; breaking alerts do not.</summary>
public sealed class QuietHoursTests(FakeClockFixture fixture) : IClassFixture<FakeClockFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private FakePushService Push => fixture.Push;
    private AlertsServer Server => fixture.Server;

    [Fact]
    public async Task Articles_held_in_quiet_hours_go_out_when_they_end_folded_when_several_and_breaking_news_is_not_held()
    {
        // Quiet hours around the service's "now", in UTC: from an hour ago to an hour ahead (they may cross midnight).
        var now = fixture.Clock.GetUtcNow();
        var quiet = new { from = now.AddHours(-1).ToString("HH:mm"), to = now.AddHours(1).ToString("HH:mm") };
        var several = TestSubscriber.Create();
        var single = TestSubscriber.Create();
        var awake = TestSubscriber.Create();
        await Server.SubscribeAsync(Push, several, ["lifestyle", "entertainment"], timeZone: "UTC", quietHours: quiet);
        await Server.SubscribeAsync(Push, single, ["entertainment"], timeZone: "UTC", quietHours: quiet);
        await Server.SubscribeAsync(Push, awake, ["entertainment"], timeZone: "UTC");
        var run = Guid.NewGuid().ToString("N")[..8];

        await PublishAsync($"recipes-{run}", "Ten winter recipes", "lifestyle", minutesAfterNow: 1);
        await PublishAsync($"film-{run}", "Film festival opens", "entertainment", minutesAfterNow: 2);
        await PublishAsync($"storm-{run}", "Storm warning for the coast", "lifestyle", minutesAfterNow: 3, breaking: true);
        await Push.WaitForRequestsAsync(all => all.Any(p => p.SubscriberId == several.Id && Title(p) == "Storm warning for the coast"), Timeout);
        var film = await WaitUntilSentAsync("Film festival opens");
        await WaitUntilSentAsync("Ten winter recipes");

        Assert.Equal(["Storm warning for the coast"], Push.ReceivedBy(several).Select(Title));
        Assert.Empty(Push.ReceivedBy(single));
        Assert.Equal(["Film festival opens"], Push.ReceivedBy(awake).Select(Title));
        Assert.Equal(2, film.GetProperty("held").GetInt32());

        // Still quiet: nothing is released.
        Assert.Equal(0, await Releaser().RunDueAsync());

        fixture.Clock.Advance(TimeSpan.FromMinutes(61));
        await Releaser().RunDueAsync();

        await Push.WaitForRequestsAsync(all => all.Count(p => p.SubscriberId == several.Id) == 2 && all.Any(p => p.SubscriberId == single.Id), Timeout);
        var folded = Push.ReceivedBy(several)[1];
        Assert.Equal("digest", folded.Payload.GetProperty("kind").GetString());
        Assert.Equal("2 new stories while you were away", Title(folded));
        Assert.Equal("• Film festival opens\n• Ten winter recipes", folded.Payload.GetProperty("body").GetString());
        var id = folded.Payload.GetProperty("id").GetString();
        Assert.Equal($"{FakeClockFixture.PublicBaseUrl}/digest/{id}", folded.Payload.GetProperty("url").GetString());
        var page = await Server.CreateClient().GetFromJsonAsync<JsonElement>($"/api/digests/{id}");
        Assert.Equal([$"film-{run}", $"recipes-{run}"], page.GetProperty("stories").EnumerateArray().Select(s => s.GetProperty("articleId").GetString()));

        var alone = Assert.Single(Push.ReceivedBy(single));
        Assert.Equal("article", alone.Payload.GetProperty("kind").GetString());
        Assert.Equal("Film festival opens", Title(alone));
        Assert.Equal($"https://news.example/entertainment/film-{run}", alone.Payload.GetProperty("url").GetString());

        // Released once: a second run finds nothing.
        Assert.Equal(0, await Releaser().RunDueAsync());
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(2, Push.ReceivedBy(several).Count);
        Assert.Single(Push.ReceivedBy(single));
        Assert.Empty(Push.Rejections);
    }

    [Fact]
    public async Task A_correction_reaches_readers_who_got_the_article_when_their_quiet_hours_ended_and_says_what_it_is()
    {
        var now = fixture.Clock.GetUtcNow();
        var quiet = new { from = now.AddHours(-1).ToString("HH:mm"), to = now.AddHours(1).ToString("HH:mm") };
        var released = TestSubscriber.Create();
        var awake = TestSubscriber.Create();
        await Server.SubscribeAsync(Push, released, ["videos"], timeZone: "UTC", quietHours: quiet);
        await Server.SubscribeAsync(Push, awake, ["videos"], timeZone: "UTC");
        var run = Guid.NewGuid().ToString("N")[..8];
        await PublishAsync($"launch-{run}", "Rocket launch at noon", "videos", minutesAfterNow: 1);
        var article = await WaitUntilSentAsync("Rocket launch at noon");
        fixture.Clock.Advance(TimeSpan.FromMinutes(61));
        await Releaser().RunDueAsync();
        await Push.WaitForRequestsAsync(all => all.Any(p => p.SubscriberId == released.Id), Timeout);
        await Server.WaitForAlertAsync(article.GetProperty("id").GetGuid(), "done", Timeout);

        var response = await Server.Editor().PostAsJsonAsync($"/api/alerts/{article.GetProperty("id").GetGuid()}/corrections",
            new { title = "Rocket launch moved to 14:00", body = "The launch window opens two hours later." });
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var correction = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Server.WaitForAlertAsync(correction, "done", Timeout);

        // The awake reader's notification is replaced in place, quietly; the released reader saw the story in a
        // notification of its own, which the tag cannot replace, so theirs says it is a correction.
        Assert.Equal("Rocket launch moved to 14:00", Title(Assert.Single(Push.ReceivedBy(awake).Of(correction))));
        Assert.Equal("Correction: Rocket launch moved to 14:00", Title(Assert.Single(Push.ReceivedBy(released).Of(correction))));
    }

    private HeldDeliveryReleaser Releaser() => Server.Services.GetRequiredService<HeldDeliveryReleaser>();

    private static string? Title(ReceivedPush push) => push.Payload.GetProperty("title").GetString();

    private Task PublishAsync(string articleId, string title, string section, int minutesAfterNow, bool breaking = false) =>
        fixture.PublishRawAsync(JsonSerializer.Serialize(new
        {
            articleId, title, summary = "The full story on the site.", url = $"https://news.example/{section}/{articleId}",
            sections = new[] { section }, imageUrl = "https://news.example/img/1.jpg",
            publishedAt = fixture.Clock.GetUtcNow().AddMinutes(minutesAfterNow), breaking,
        }));

    private Task<JsonElement> WaitUntilSentAsync(string title) =>
        Server.WaitForNotificationAsync(n => n.GetProperty("title").GetString() == title && n.GetProperty("status").GetString() == "done", Timeout);
}
