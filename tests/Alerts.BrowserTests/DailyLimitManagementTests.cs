using System.Text.Json;
using Alerts.BrowserTests.Infrastructure;
using Alerts.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Alerts.BrowserTests;

/// <summary>
/// The daily limit on /notifications: a reader picks "At most 3 article alerts a day", saves, and finds it
/// kept after a reload and in the API; "No limit" takes it off again.
/// </summary>
public sealed class DailyLimitManagementTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private IBrowserContext _context = null!;

    public async Task InitializeAsync() => _context = await fixture.NewContextAsync();

    public async Task DisposeAsync() => await _context.CloseAsync();

    [Fact]
    public async Task Reader_sets_a_daily_limit_on_the_management_page_and_finds_it_kept_after_a_reload()
    {
        var (page, id, token) = await _context.SubscribeOnFrontPageAsync(fixture, "world", "sports");

        await page.GotoAsync(fixture.Origin + "/notifications");
        var limit = page.Locator("#max-per-day");
        await Expect(limit).ToHaveValueAsync("");
        await Expect(page.Locator("#max-per-day-hint")).ToContainTextAsync("one notification at the end of your day");
        await page.GetByLabel("Daily limit").SelectOptionAsync(new SelectOptionValue { Label = "At most 3 article alerts a day" });
        await page.ClickAsync("#save-button");

        await Expect(page.Locator("#status-message")).ToHaveAttributeAsync("data-state", "saved");
        await Expect(page.Locator(".alerts-summary__details")).ToContainTextAsync("At most 3 article alerts a day");
        var (_, saved) = await fixture.GetSubscriptionAsync(id, token);
        Assert.Equal(3, saved.GetProperty("maxPerDay").GetInt32());
        // The rest of the preferences are saved with it, unchanged.
        Assert.Equal(["sports", "world"], saved.GetProperty("sections").EnumerateArray().Select(s => s.GetString()).Order());

        await page.ReloadAsync();
        await Expect(limit).ToHaveValueAsync("3");

        await limit.SelectOptionAsync("");
        await page.ClickAsync("#save-button");
        await Expect(page.Locator("#status-message")).ToHaveAttributeAsync("data-state", "saved");
        await Expect(page.Locator(".alerts-summary__details")).Not.ToContainTextAsync("article alerts a day");
        var (_, cleared) = await fixture.GetSubscriptionAsync(id, token);
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("maxPerDay").ValueKind);
        await page.ReloadAsync();
        await Expect(limit).ToHaveValueAsync("");
    }
}
