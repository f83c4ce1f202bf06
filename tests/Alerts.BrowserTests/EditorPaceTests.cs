using System.Text.Json;
using System.Text.RegularExpressions;
using Alerts.BrowserTests.Infrastructure;
using Alerts.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Alerts.BrowserTests;

/// <summary>
/// An editor spreads an alert over some minutes instead of sending it as fast as possible: the console
/// works out the rate from the reader count, and the delivery panel says when the last push will go.
/// </summary>
public sealed class EditorPaceTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Slow = new() { Timeout = 20_000 };
    private static readonly LocatorAssertionsToHaveTextOptions SlowText = new() { Timeout = 20_000 };

    private IBrowserContext _context = null!;
    private TestSubscriber[] _readers = null!;

    public async Task InitializeAsync()
    {
        _readers = await fixture.OnceAsync("pace-readers", async () => new[]
        {
            await fixture.SubscribeReaderAsync("pakistan"), await fixture.SubscribeReaderAsync("pakistan"), await fixture.SubscribeReaderAsync("pakistan"),
        });
        _context = await fixture.NewContextAsync();
    }

    public async Task DisposeAsync() => await _context.CloseAsync();

    [Fact]
    public async Task Editor_spreads_an_alert_over_two_minutes_and_sees_when_it_will_finish()
    {
        var page = await _context.SignInToConsoleAsync(fixture, "pakistan");
        var title = $"Monsoon rains arrive early {Guid.NewGuid():N}"[..34];
        await page.FillAsync("#alert-title", title);
        await page.FillAsync("#alert-body", "Forecasters expect heavy rain in the north by Friday.");
        await page.FillAsync("#alert-url", $"https://news.example/pakistan/{Guid.NewGuid():N}");
        await page.CheckAsync("#audience-sections");
        await page.CheckAsync("#section-pakistan");
        await Expect(page.Locator("#audience-count")).ToHaveAttributeAsync("data-count", _readers.Length.ToString());

        // A pace the form cannot use is refused next to the field, before anything is sent.
        await page.FillAsync("#pace-minutes", "0");
        await Expect(page.Locator("#pace-spread")).ToBeCheckedAsync();
        await page.ClickAsync("#send-button");
        await Expect(page.Locator("#error-throttlePerMinute")).ToHaveTextAsync("Enter a whole number of minutes from 1 to 1440.");

        // Three readers over two minutes: two a minute, so the last one's turn is a minute after the first.
        await page.FillAsync("#pace-minutes", "2");
        var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#send-button"),
            r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/api/alerts");
        Assert.Equal(202, response.Status);
        Assert.Equal(2, JsonDocument.Parse(response.Request.PostData!).RootElement.GetProperty("throttlePerMinute").GetInt32());
        var id = (await response.JsonAsync())!.Value.GetProperty("id").GetString()!;
        await Expect(page.Locator("#send-status")).ToHaveTextAsync("Alert queued for sending. Spread at 2 a minute.");

        await Expect(page.Locator("#progress")).ToHaveAttributeAsync("data-status", "sending", Slow);
        await Expect(page.Locator("#progress-detail")).ToHaveTextAsync(new Regex("^Spread at 2 a minute; expected to finish at .+\\.$"), SlowText);
        await Expect(page.Locator("#progress-text")).ToHaveTextAsync("Sent 1 · Failed 0 · Gone 0 of 3", SlowText);

        // The first reader has it; the others wait for their turn, which Cancel takes away.
        using var alert = JsonDocument.Parse(await fixture.Server.Editor().GetStringAsync($"/api/alerts/{id}"));
        var created = alert.RootElement.GetProperty("createdAt").GetDateTime();
        var finish = alert.RootElement.GetProperty("expectedFinishAt").GetDateTime();
        Assert.InRange((finish - created).TotalSeconds, 60, 70);
        await page.ClickAsync("#cancel-button");
        await Expect(page.Locator("#progress")).ToHaveAttributeAsync("data-status", "cancelled", Slow);
        Assert.Equal(1, fixture.Push.Received.Count(p => p.NotificationId == id));
    }
}
