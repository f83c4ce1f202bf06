using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.Digests;
using Alerts.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.IntegrationTests.FrequencyCap;

/// <summary>
/// A reader with maxPerDay 2 whose sections publish four articles in one day: two pushes, two held until
/// the end of their day and then one "2 more stories" push; a reader without a limit gets all four; breaking
/// news passes the limit. Run against each store, since the ledger's SQL is written per provider.
/// </summary>
internal static class DailyLimitScenario
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(AlertsServer server, FakePushService push, FakeTimeProvider clock)
    {
        // A zone where the service's "now" is 23:xx, so the reader's day ends within the hour.
        var zone = ZoneWhereItIsElevenPm(clock.GetUtcNow());
        var capped = TestSubscriber.Create();
        var unlimited = TestSubscriber.Create();
        var view = await SubscribeAsync(server, push, capped, ["world"], zone, maxPerDay: 2);
        Assert.Equal(2, view.GetProperty("maxPerDay").GetInt32());
        await server.SubscribeAsync(push, unlimited, ["world"], timeZone: zone);
        var run = Guid.NewGuid().ToString("N")[..8];
        string[] titles = ["Talks resume in Geneva", "Ceasefire holds overnight", "Markets rally on the news", "Envoys head home"];

        // One at a time, as a day's news comes: each is recorded before the next is counted.
        var notifications = new List<JsonElement>();
        for (var i = 0; i < titles.Length; i++)
        {
            await PostArticleAsync(server, clock, $"world-{run}-{i + 1}", titles[i], minutesAfterNow: i + 1);
            notifications.Add(await WaitUntilDoneAsync(server, titles[i]));
        }
        Assert.Equal(titles[..2], push.ReceivedBy(capped).Select(Title));
        Assert.Equal(titles, push.ReceivedBy(unlimited).Select(Title));
        Assert.Equal([0, 0, 1, 1], notifications.Select(n => n.GetProperty("held").GetInt32()));

        // Breaking news is not held by the limit.
        await PostArticleAsync(server, clock, $"world-{run}-breaking", "Summit called off", minutesAfterNow: 5, breaking: true);
        await WaitUntilDoneAsync(server, "Summit called off");
        Assert.Equal([titles[0], titles[1], "Summit called off"], push.ReceivedBy(capped).Select(Title));

        // The reader's day is not over yet: nothing is released.
        var releaser = server.Services.GetRequiredService<HeldDeliveryReleaser>();
        Assert.Equal(0, await releaser.RunDueAsync());

        // One minute into the reader's next day (a fixed-offset zone: local midnight is now + the rest of the local day).
        var local = clock.GetUtcNow().ToOffset(TimeZoneInfo.FindSystemTimeZoneById(zone).BaseUtcOffset);
        clock.Advance(TimeSpan.FromDays(1) - local.TimeOfDay + TimeSpan.FromMinutes(1));
        Assert.Equal(1, await releaser.RunDueAsync());

        await push.WaitForRequestsAsync(all => all.Count(p => p.SubscriberId == capped.Id) == 4, Timeout);
        var folded = push.ReceivedBy(capped)[3];
        Assert.Equal("digest", folded.Payload.GetProperty("kind").GetString());
        Assert.Equal("2 more stories past your daily limit", Title(folded));
        Assert.Equal($"• {titles[3]}\n• {titles[2]}", folded.Payload.GetProperty("body").GetString());
        var id = folded.Payload.GetProperty("id").GetString();
        var page = await server.CreateClient().GetFromJsonAsync<JsonElement>($"/api/digests/{id}");
        Assert.Equal("daily-limit", page.GetProperty("kind").GetString());
        Assert.Equal([$"world-{run}-4", $"world-{run}-3"], page.GetProperty("stories").EnumerateArray().Select(s => s.GetProperty("articleId").GetString()));
        await server.WaitForNotificationAsync(n => n.GetProperty("id").GetString() == id && n.GetProperty("status").GetString() == "done", Timeout);

        // Released once: a second run finds nothing and records nothing.
        Assert.Equal(0, await releaser.RunDueAsync());
        var listed = (await server.Editor().GetFromJsonAsync<JsonElement>("/api/alerts")).GetArrayLength();

        // A new day: the limit starts again (the release did not count), and nothing came twice.
        await PostArticleAsync(server, clock, $"world-{run}-5", "A new day in Geneva", minutesAfterNow: 1);
        await WaitUntilDoneAsync(server, "A new day in Geneva");
        Assert.Equal([titles[0], titles[1], "Summit called off", "2 more stories past your daily limit", "A new day in Geneva"], push.ReceivedBy(capped).Select(Title));
        Assert.Equal(listed + 1, (await server.Editor().GetFromJsonAsync<JsonElement>("/api/alerts")).GetArrayLength());
        Assert.Equal(6, push.ReceivedBy(unlimited).Count);
        Assert.Empty(push.Rejections);
    }

    /// <summary>Subscribes with a daily limit (the shared helper has no such option), returning the 201 body.</summary>
    public static async Task<JsonElement> SubscribeAsync(
        AlertsServer server, FakePushService push, TestSubscriber subscriber, string[] sections, string timeZone, int? maxPerDay, object? quietHours = null)
    {
        var response = await server.CreateClient().PostAsJsonAsync("/api/subscriptions", new
        {
            subscription = new { endpoint = push.EndpointFor(subscriber), expirationTime = (object?)null, keys = new { p256dh = subscriber.P256dh, auth = subscriber.Auth } },
            sections,
            delivery = new { mode = "instant" },
            timeZone,
            quietHours,
            maxPerDay,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>An Etc/GMT zone in which <paramref name="now"/> is between 23:00 and 24:00.</summary>
    public static string ZoneWhereItIsElevenPm(DateTimeOffset now)
    {
        var offset = 23 - now.UtcDateTime.Hour;
        if (offset > 14) offset -= 24;
        // Etc/GMT names have the sign reversed: Etc/GMT-5 is UTC+5.
        return offset == 0 ? "Etc/UTC" : "Etc/GMT" + (offset > 0 ? "-" : "+") + Math.Abs(offset).ToString(CultureInfo.InvariantCulture);
    }

    public static async Task PostArticleAsync(
        AlertsServer server, FakeTimeProvider clock, string articleId, string title, int minutesAfterNow, bool breaking = false, string section = "world")
    {
        var response = await server.Editor().PostAsJsonAsync("/api/articles", new
        {
            articleId, title, summary = "The full story on the site.", url = $"https://news.example/{section}/{articleId}", sections = new[] { section },
            publishedAt = clock.GetUtcNow().AddMinutes(minutesAfterNow), breaking,
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    public static Task<JsonElement> WaitUntilDoneAsync(AlertsServer server, string title) =>
        server.WaitForNotificationAsync(n => n.GetProperty("title").GetString() == title && n.GetProperty("status").GetString() == "done", Timeout);

    public static string? Title(ReceivedPush push) => push.Payload.GetProperty("title").GetString();
}
