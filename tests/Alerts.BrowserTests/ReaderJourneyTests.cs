using System.Text.Json;
using Alerts.BrowserTests.Infrastructure;
using Alerts.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Alerts.BrowserTests;

/// <summary>
/// A reader on the Alerts pages in Chromium, end to end through the real server: subscribe on the
/// front page, get an article as a notification, click it, change sections, unsubscribe.
/// </summary>
public sealed class ReaderJourneyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(20);
    private IBrowserContext _context = null!;

    public async Task InitializeAsync() => _context = await fixture.NewContextAsync();

    public async Task DisposeAsync() => await _context.CloseAsync();

    [Fact]
    public async Task Reader_subscribes_to_world_and_sports_on_the_front_page()
    {
        var reader = await SubscribeOnFrontPageAsync(["world", "sports"], screenshot: "front-page-opt-in.png");

        await Expect(reader.Page.Locator("#subscription-summary")).ToContainTextAsync("World and Sports");
        var (status, subscription) = await fixture.GetSubscriptionAsync(reader.Id, reader.Token);
        Assert.Equal(200, status);
        Assert.Equal(["sports", "world"], subscription.GetProperty("sections").EnumerateArray().Select(s => s.GetString()).Order());
        Assert.Equal("instant", subscription.GetProperty("delivery").GetProperty("mode").GetString());
        // The service worker's copy, which it needs to renew the subscription, matches the page's.
        var fromDatabase = await reader.Page.EvaluateAsync<string>("""
            () => new Promise((resolve, reject) => {
              const open = indexedDB.open('alerts', 1);
              open.onerror = () => reject(open.error);
              open.onsuccess = () => {
                const get = open.result.transaction('subscription').objectStore('subscription').get('current');
                get.onsuccess = () => resolve(get.result ? get.result.id : null);
              };
            })
            """);
        Assert.Equal(reader.Id, fromDatabase);
    }

    [Fact]
    public async Task Published_world_article_is_shown_as_a_notification()
    {
        var reader = await SubscribeOnFrontPageAsync(["world", "sports"]);

        var push = await PublishAndReceiveAsync(reader, "world", "Leaders agree to meet in Paris");
        await reader.Page.DeliverPushAsync(fixture.Origin, push.Plaintext);

        var shown = await reader.Page.WaitForNotificationsAsync(n => n.Any(x => x.Title == "Leaders agree to meet in Paris"), PushTimeout);
        var notification = Assert.Single(shown);
        Assert.Equal(push.Payload.GetProperty("id").GetString(), notification.Tag);
        Assert.Equal(push.Payload.GetProperty("url").GetString(), notification.Url);
    }

    [Fact]
    public async Task Same_push_delivered_twice_shows_one_notification()
    {
        var reader = await SubscribeOnFrontPageAsync(["world"]);
        var push = await PublishAndReceiveAsync(reader, "world", "Storm closes the coastal highway");

        await reader.Page.DeliverPushAsync(fixture.Origin, push.Plaintext);
        await reader.Page.DeliverPushAsync(fixture.Origin, push.Plaintext);
        // A later push shown means both copies before it were handled.
        var marker = JsonSerializer.Serialize(new { id = Guid.NewGuid().ToString(), kind = "article", title = "Marker", body = "", url = "https://news.example/marker" });
        await reader.Page.DeliverPushAsync(fixture.Origin, marker);

        var shown = await reader.Page.WaitForNotificationsAsync(n => n.Any(x => x.Title == "Marker"), PushTimeout);
        Assert.Single(shown, n => n.Title == "Storm closes the coastal highway");
    }

    [Fact]
    public async Task A_notification_the_browser_shows_is_reported_and_counted_as_displayed()
    {
        var reader = await SubscribeOnFrontPageAsync(["world"]);
        var push = await PublishAndReceiveAsync(reader, "world", "Ferry service resumes after the storm");
        var notificationId = push.Payload.GetProperty("id").GetString()!;

        // The worker reports the display with the push's own token (counted once per token: AlertSpeedTests).
        await reader.Page.DeliverPushAsync(fixture.Origin, push.Plaintext);
        await reader.Page.WaitForNotificationsAsync(n => n.Any(x => x.Title == "Ferry service resumes after the storm"), PushTimeout);

        var alert = await WaitForAlertAsync(notificationId, a => a.GetProperty("displayed").GetInt32() >= 1);
        Assert.Equal(1, alert.GetProperty("displayed").GetInt32());
        Assert.Equal(0, alert.GetProperty("clicked").GetInt32());
    }

    [Fact]
    public async Task A_push_in_safaris_declarative_shape_is_shown_with_its_link_and_reported()
    {
        var reader = await SubscribeOnFrontPageAsync(["world"]);
        var push = await PublishAndReceiveAsync(reader, "world", "Bridge reopens to traffic");
        var id = push.Payload.GetProperty("id").GetString()!;
        // What Safari's push service gets (docs/push-payload.md): the shown part under "notification".
        var declarative = JsonSerializer.Serialize(new
        {
            web_push = 8030,
            notification = new { title = "Bridge reopens to traffic", body = "Lanes open from noon.", navigate = "https://news.example/bridge", tag = id },
            mutable = true,
            id,
            kind = "article",
            clickToken = push.Payload.GetProperty("clickToken").GetString(),
        });

        await reader.Page.DeliverPushAsync(fixture.Origin, declarative);

        var shown = await reader.Page.WaitForNotificationsAsync(n => n.Any(x => x.Title == "Bridge reopens to traffic"), PushTimeout);
        var notification = Assert.Single(shown, n => n.Title == "Bridge reopens to traffic");
        Assert.Equal("Lanes open from noon.", notification.Body);
        Assert.Equal("https://news.example/bridge", notification.Url);
        await WaitForAlertAsync(id, a => a.GetProperty("displayed").GetInt32() == 1);
    }

    [Fact]
    public async Task Mute_world_for_a_day_from_the_notification_mutes_it_for_this_reader()
    {
        var reader = await SubscribeOnFrontPageAsync(["world"]);
        var push = await PublishAndReceiveAsync(reader, "world", "Talks resume in Geneva");
        await reader.Page.DeliverPushAsync(fixture.Origin, push.Plaintext);
        await reader.Page.WaitForNotificationsAsync(n => n.Any(x => x.Title == "Talks resume in Geneva"), PushTimeout);

        // As in the click test: the event the browser would dispatch for the "Mute World for a day" button.
        var worker = await _context.WaitForServiceWorkerAsync(fixture.Origin + "/sw.js", PushTimeout);
        var actions = await worker.EvaluateAsync<string[]>("""
            async (title) => {
              const notification = (await self.registration.getNotifications()).find((n) => n.title === title);
              const actions = notification.actions.map((a) => a.action + ':' + a.title);
              self.dispatchEvent(new NotificationEvent('notificationclick', { notification, action: 'mute' }));
              return actions;
            }
            """, "Talks resume in Geneva");

        Assert.Equal(["read:Read", "mute:Mute World for a day"], actions);
        var deadline = DateTime.UtcNow + PushTimeout;
        JsonElement saved;
        do
        {
            (_, saved) = await fixture.GetSubscriptionAsync(reader.Id, reader.Token);
            if (saved.TryGetProperty("mutes", out var mutes) && mutes.GetArrayLength() > 0) break;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        var mute = Assert.Single(saved.GetProperty("mutes").EnumerateArray());
        Assert.Equal("world", mute.GetProperty("section").GetString());
        var until = mute.GetProperty("until").GetDateTime().ToUniversalTime();
        Assert.InRange(until, DateTime.UtcNow.AddHours(23), DateTime.UtcNow.AddHours(25));
    }

    [Fact]
    public async Task Clicking_the_notification_opens_the_article_and_counts_the_click()
    {
        var reader = await SubscribeOnFrontPageAsync(["world"]);
        var push = await PublishAndReceiveAsync(reader, "world", "Markets rally after the summit");
        var articleUrl = push.Payload.GetProperty("url").GetString()!;
        var notificationId = push.Payload.GetProperty("id").GetString()!;
        await reader.Page.DeliverPushAsync(fixture.Origin, push.Plaintext);
        await reader.Page.WaitForNotificationsAsync(n => n.Any(x => x.Title == "Markets rally after the summit"), PushTimeout);

        // Headless Chromium has no notification centre to click in, and no DevTools command for it. The
        // test dispatches the event the browser would, with the notification the worker showed, inside
        // the worker, so sw.js's own handler runs. Chromium lets clients.openWindow open a tab only
        // within a click the browser itself dispatched, so the test watches what the handler asks for.
        var worker = await _context.WaitForServiceWorkerAsync(fixture.Origin + "/sw.js", PushTimeout);
        var opened = await worker.EvaluateAsync<JsonElement>("""
            async (title) => {
              const asked = [];
              let called;
              const openWindow = self.clients.openWindow;
              const askedToOpen = new Promise((resolve) => { called = resolve; });
              self.clients.openWindow = (url) => { asked.push(url); called(); return openWindow.call(self.clients, url); };
              try {
                const notification = (await self.registration.getNotifications()).find((n) => n.title === title);
                self.dispatchEvent(new NotificationEvent('notificationclick', { notification }));
                await Promise.race([askedToOpen, new Promise((resolve) => setTimeout(resolve, 10000))]);
                return asked;
              } finally {
                self.clients.openWindow = openWindow;
              }
            }
            """, "Markets rally after the summit");

        Assert.Equal([articleUrl], opened.EnumerateArray().Select(u => u.GetString()));
        var alert = await WaitForAlertAsync(notificationId, a => a.GetProperty("clicked").GetInt32() >= 1);
        Assert.Equal(1, alert.GetProperty("clicked").GetInt32());
        await reader.Page.WaitForNotificationsAsync(n => n.Count == 0, PushTimeout); // the click closed it
    }

    [Fact]
    public async Task Reader_switches_to_sports_only_then_unsubscribes()
    {
        var reader = await SubscribeOnFrontPageAsync(["world", "sports"]);
        var page = reader.Page;

        await page.GotoAsync(fixture.Origin + "/notifications");
        await Expect(page.Locator("#section-world")).ToBeCheckedAsync();
        await page.UncheckAsync("#section-world");
        await page.ClickAsync("#save-button");
        await Expect(page.Locator("#status-message")).ToHaveAttributeAsync("data-state", "saved");
        await Expect(page.Locator("#subscription-summary")).ToContainTextAsync("subscribed to Sports");
        await page.SaveScreenshotAsync("manage-notifications.png");
        var (_, saved) = await fixture.GetSubscriptionAsync(reader.Id, reader.Token);
        Assert.Equal(["sports"], saved.GetProperty("sections").EnumerateArray().Select(s => s.GetString()));

        var suffix = Guid.NewGuid().ToString("N")[..8];
        var worldUrl = $"https://news.example/world/centenary-{suffix}";
        var sportsUrl = $"https://news.example/sports/series-{suffix}";
        await fixture.PublishArticleAsync($"world-{suffix}", "Paris prepares for the centenary summit", worldUrl, "world");
        await fixture.PublishArticleAsync($"sports-{suffix}", "Hosts win the series in the final over", sportsUrl, "sports");
        await fixture.Push.WaitForRequestsAsync(all => all.Any(p => p.SubscriberId == reader.Subscriber.Id && UrlOf(p) == sportsUrl), PushTimeout);
        // The world article's fan-out has finished too, so its absence below is not a matter of timing.
        await fixture.Server.WaitForNotificationAsync(n => n.GetProperty("url").GetString() == worldUrl &&
            n.GetProperty("status").GetString() == "done", PushTimeout);
        Assert.DoesNotContain(fixture.Push.ReceivedBy(reader.Subscriber), p => UrlOf(p) == worldUrl);

        await page.ClickAsync("#unsubscribe-button");
        await Expect(page.Locator("#status-message")).ToHaveAttributeAsync("data-state", "unsubscribed");
        var (status, _) = await fixture.GetSubscriptionAsync(reader.Id, reader.Token);
        Assert.Equal(404, status);
        Assert.Null(await page.EvaluateAsync<string?>("localStorage.getItem('alerts.subscription')"));
    }

    [Fact]
    public async Task Blocked_notifications_show_how_to_allow_them()
    {
        await _context.StubPushManagerAsync(fixture.Push, TestSubscriber.Create());
        var page = await _context.NewPageAsync();
        await page.GotoAsync(fixture.Origin + "/");
        await page.BlockNotificationsAsync(fixture.Browser, fixture.Origin);

        await page.ClickAsync("#soft-prompt-yes");
        await page.CheckAsync("#section-world");
        await page.ClickAsync("#subscribe-button");

        var status = page.Locator("#status-message");
        await Expect(status).ToHaveAttributeAsync("data-state", "denied");
        await Expect(status).ToContainTextAsync("Notifications are blocked for this site");
        await Expect(page.Locator("#subscription-summary")).ToBeHiddenAsync();
    }

    private sealed record Reader(IPage Page, TestSubscriber Subscriber, string Id, string Token);

    /// <summary>The front-page flow: soft prompt, sections, instant alerts, Subscribe.</summary>
    private async Task<Reader> SubscribeOnFrontPageAsync(string[] sections, string? screenshot = null)
    {
        var subscriber = TestSubscriber.Create();
        await _context.StubPushManagerAsync(fixture.Push, subscriber);
        await _context.AllowNotificationsAsync(fixture.Origin);
        var page = await _context.NewPageAsync();
        await page.GotoAsync(fixture.Origin + "/");

        await Expect(page.Locator("#soft-prompt")).ToBeVisibleAsync();
        await page.ClickAsync("#soft-prompt-yes");
        await Expect(page.Locator("#subscribe-form")).ToBeVisibleAsync();
        foreach (var section in sections) await page.CheckAsync($"#section-{section}");
        await page.CheckAsync("#delivery-instant");
        if (screenshot is not null) await page.SaveScreenshotAsync(screenshot);
        await page.ClickAsync("#subscribe-button");

        await Expect(page.Locator("#status-message")).ToHaveAttributeAsync("data-state", "subscribed");
        var stored = await page.EvaluateAsync<string?>("localStorage.getItem('alerts.subscription')");
        Assert.False(string.IsNullOrEmpty(stored), "The page stored no subscription in localStorage 'alerts.subscription'.");
        var record = JsonDocument.Parse(stored).RootElement;
        return new Reader(page, subscriber, record.GetProperty("id").GetString()!, record.GetProperty("token").GetString()!);
    }

    /// <summary>Publishes an article in a section and returns the push the fake push service decrypted for this reader.</summary>
    private async Task<ReceivedPush> PublishAndReceiveAsync(Reader reader, string section, string title)
    {
        var id = $"{section}-{Guid.NewGuid():N}";
        await fixture.PublishArticleAsync(id, title, $"https://news.example/{section}/{id}", section);
        await fixture.Push.WaitForRequestsAsync(all => all.Any(p => p.SubscriberId == reader.Subscriber.Id && TitleOf(p) == title), PushTimeout);
        return fixture.Push.ReceivedBy(reader.Subscriber).Single(p => TitleOf(p) == title);
    }

    private async Task<JsonElement> WaitForAlertAsync(string id, Func<JsonElement, bool> condition)
    {
        var client = fixture.Server.Editor();
        var deadline = DateTime.UtcNow + PushTimeout;
        JsonElement alert;
        do
        {
            alert = JsonDocument.Parse(await client.GetStringAsync($"/api/alerts/{id}")).RootElement;
            if (condition(alert)) return alert;
            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"Alert {id} never matched: {alert}");
    }

    private static string? UrlOf(ReceivedPush push) =>
        push.Payload.ValueKind == JsonValueKind.Object && push.Payload.TryGetProperty("url", out var url) ? url.GetString() : null;

    private static string? TitleOf(ReceivedPush push) =>
        push.Payload.ValueKind == JsonValueKind.Object && push.Payload.TryGetProperty("title", out var title) ? title.GetString() : null;
}
