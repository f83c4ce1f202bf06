using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Alerts.BrowserTests.Infrastructure;
using Alerts.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Alerts.BrowserTests;

/// <summary>
/// An editor sends an alert with a second headline as a headline test, follows the race (sent, clicks
/// and click rate per headline, the leader marked), sends the leader now and sees the winner.
/// </summary>
public sealed class EditorHeadlineTestTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string Section = "entertainment";
    private const int Readers = 24;
    private static readonly LocatorAssertionsToHaveAttributeOptions Slow = new() { Timeout = 20_000 };
    private static readonly LocatorAssertionsToHaveTextOptions SlowText = new() { Timeout = 20_000 };
    private static readonly LocatorAssertionsToHaveClassOptions SlowClass = new() { Timeout = 20_000 };

    private IBrowserContext _context = null!;

    public async Task InitializeAsync()
    {
        await fixture.OnceAsync("headline-test-readers", async () =>
        {
            var response = await fixture.Server.Admin().PostAsync("/api/admin/subscriptions/import", AudienceNdjson.For(fixture.Push, Readers, [Section], keyPool: 4));
            var result = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(result.GetProperty("imported").GetInt32() == Readers, result.ToString());
            return true;
        });
        _context = await fixture.NewContextAsync();
    }

    public async Task DisposeAsync() => await _context.CloseAsync();

    [Fact]
    public async Task Editor_races_two_headlines_sends_the_leader_now_and_sees_the_winner()
    {
        var page = await _context.SignInToConsoleAsync(fixture, Section);
        var first = $"Festival opens tonight {Guid.NewGuid():N}"[..30];
        var second = $"Tonight: the festival's first film {Guid.NewGuid():N}"[..42];
        await page.FillAsync("#alert-title", first);
        await page.FillAsync("#alert-body", "Forty films in ten days.");
        await page.FillAsync("#alert-url", $"https://news.example/entertainment/{Guid.NewGuid():N}");
        await page.CheckAsync("#audience-sections");
        await page.CheckAsync($"#section-{Section}");
        await page.ClickAsync("#add-variant");
        await page.FillAsync("#variant-1-title", second);
        await page.FillAsync("#variant-1-body", "A premiere opens the programme at eight.");
        await page.FillAsync("#test-sample", "50");

        var sendResponse = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#send-button"),
            r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/api/alerts");
        Assert.Equal(202, sendResponse.Status);
        var id = (await sendResponse.JsonAsync())!.Value.GetProperty("id").GetString()!;

        // The race: a row per headline; once the sample is sent, its figures.
        var race = page.Locator("#progress-race");
        await Expect(race).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(race).ToHaveAttributeAsync("data-state", "racing");
        var rows = page.Locator("#race-rows li");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0).Locator(".race-title")).ToHaveTextAsync(first);
        await Expect(rows.Nth(1).Locator(".race-title")).ToHaveTextAsync(second);
        var sample = await WaitForSampleAsync(id);
        var sentSecond = sample.Count(p => Title(p) == second);
        Assert.True(sentSecond > 0, $"The second headline reached none of {sample.Count} sampled readers.");
        await Expect(rows.Nth(1).Locator(".race-sent")).ToHaveTextAsync($"Sent {sentSecond}", SlowText);
        await Expect(page.Locator("#race-status")).ToHaveTextAsync(new Regex(@"^Racing on 50% of the readers\. Deciding in \d+:\d\d\.$"));

        // Readers of the second headline click: it leads.
        var client = fixture.Server.CreateClient();
        foreach (var push in sample.Where(p => Title(p) == second).Take(2))
            Assert.Equal(204, (int)(await client.PostAsync($"/api/alerts/{id}/clicks?token={push.Payload.GetProperty("clickToken").GetString()}", null)).StatusCode);
        await Expect(rows.Nth(1)).ToHaveClassAsync(new Regex(@"\bis-leader\b"), SlowClass);
        await Expect(rows.Nth(1).Locator(".race-mark")).ToHaveTextAsync("Leading");
        await Expect(rows.Nth(1).Locator(".race-clicks")).ToHaveTextAsync("Clicks 2");
        await page.Mouse.MoveAsync(0, 0);
        await page.Locator("#progress").ScreenshotAsync(new() { Path = Screenshots.PathFor("editor-headline-test.png") });

        await page.ClickAsync("#race-decide");
        await Expect(page.Locator("#progress")).ToHaveAttributeAsync("data-status", "done", Slow);
        await Expect(race).ToHaveAttributeAsync("data-state", "decided");
        await Expect(rows.Nth(1)).ToHaveClassAsync(new Regex(@"\bis-winner\b"));
        await Expect(rows.Nth(1).Locator(".race-mark")).ToHaveTextAsync("Winner");
        await Expect(page.Locator("#race-status")).ToHaveTextAsync("Headline 2 won.");
        await Expect(page.Locator("#race-decide")).ToBeHiddenAsync();
        await Expect(page.Locator($"#history tr[data-id='{id}'] .test-winner")).ToHaveTextAsync("Headline test: headline 2 won", SlowText);

        // Everyone got exactly one push; those outside the sample the winner.
        var perReader = fixture.Push.DeliveredPerSubscriber(id);
        Assert.Equal(Readers, perReader.Count);
        Assert.All(perReader.Values, count => Assert.Equal(1, count));
        var sampled = sample.Select(p => p.SubscriberId).ToHashSet();
        Assert.All(fixture.Push.Delivered.Where(p => p.NotificationId == id && !sampled.Contains(p.SubscriberId)), p => Assert.Equal(second, Title(p)));
    }

    [Fact]
    public async Task Headline_test_problems_are_shown_at_their_fields()
    {
        var page = await _context.SignInToConsoleAsync(fixture, Section);
        await page.FillAsync("#alert-title", "Awards night");
        await page.FillAsync("#alert-body", "Winners from nine.");
        await page.FillAsync("#alert-url", "https://news.example/entertainment/awards");
        await page.CheckAsync("#audience-sections");
        await page.CheckAsync($"#section-{Section}");
        await page.ClickAsync("#add-variant");

        // The page's own check: the added headline needs a title and a body.
        await page.ClickAsync("#send-button");
        await Expect(page.Locator("[id='error-variants[1].title']")).ToHaveTextAsync("Enter this headline's title, or remove it.");
        await Expect(page.Locator("#variant-1-title")).ToHaveAttributeAsync("aria-invalid", "true");

        // The server's: the decision must come before the TTL ends.
        await page.FillAsync("#variant-1-title", "And the winner is…");
        await page.FillAsync("#variant-1-body", "Live from nine.");
        await page.FillAsync("#alert-ttl", "600");
        await page.FillAsync("#test-decide", "30");
        var refused = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#send-button"),
            r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/api/alerts");
        Assert.Equal(400, refused.Status);
        await Expect(page.Locator("[id='error-test.decideAfterMinutes']")).ToContainTextAsync("must be shorter than the alert's TTL");
        await Expect(page.Locator("#test-decide")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("[id='error-variants[1].title']")).ToBeEmptyAsync();
    }

    private async Task<List<ReceivedPush>> WaitForSampleAsync(string id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            using var alert = JsonDocument.Parse(await fixture.Server.Editor().GetStringAsync($"/api/alerts/{id}"));
            var targeted = alert.RootElement.GetProperty("targeted").GetInt32();
            var delivered = fixture.Push.Delivered.Where(p => p.NotificationId == id).ToList();
            if (targeted > 0 && alert.RootElement.GetProperty("sent").GetInt32() == targeted && delivered.Count == targeted) return delivered;
            Assert.True(DateTime.UtcNow < deadline, $"The sample was not sent in time: {alert.RootElement}");
            await Task.Delay(100);
        }
    }

    private static string Title(ReceivedPush push) => push.Payload.GetProperty("title").GetString() ?? "";
}
