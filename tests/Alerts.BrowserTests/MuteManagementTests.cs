using System.Net.Http.Json;
using System.Text.Json;
using Alerts.BrowserTests.Infrastructure;
using Alerts.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Alerts.BrowserTests;

/// <summary>
/// The "Muted for now" list on /notifications: a reader who muted a section (as the notification's
/// "Mute World for a day" button does) sees it with when it ends, and lifts it from the page.
/// </summary>
public sealed class MuteManagementTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private IBrowserContext _context = null!;

    public async Task InitializeAsync() => _context = await fixture.NewContextAsync();

    public async Task DisposeAsync() => await _context.CloseAsync();

    [Fact]
    public async Task Reader_sees_a_muted_section_on_the_management_page_and_lifts_it()
    {
        var (page, id, token) = await _context.SubscribeOnFrontPageAsync(fixture, "world", "sports");
        Assert.Equal(204, await MuteAsync(id, token, "world", 24));

        await page.GotoAsync(fixture.Origin + "/notifications");
        var muted = page.Locator("#mutes-list li[data-section=\"world\"]");
        await Expect(muted).ToContainTextAsync("World");
        await Expect(muted).ToContainTextAsync("until ");
        await Expect(page.Locator("#mutes-list li")).ToHaveCountAsync(1);
        await Expect(page.Locator("#mutes-empty")).ToBeHiddenAsync();
        // The end as the API has it, shown in the reader's local time.
        var (_, before) = await fixture.GetSubscriptionAsync(id, token);
        var until = Assert.Single(before.GetProperty("mutes").EnumerateArray()).GetProperty("until").GetString();
        await Expect(muted.Locator("time")).ToHaveAttributeAsync("datetime", until!);

        await page.GetByRole(AriaRole.Button, new() { Name = "Lift the mute on World" }).ClickAsync();

        await Expect(page.Locator("#status-message")).ToHaveAttributeAsync("data-state", "saved");
        await Expect(page.Locator("#status-message")).ToContainTextAsync("World is no longer muted.");
        await Expect(page.Locator("#mutes-list li")).ToHaveCountAsync(0);
        await Expect(page.Locator("#mutes-empty")).ToBeVisibleAsync();
        var (status, after) = await fixture.GetSubscriptionAsync(id, token);
        Assert.Equal(200, status);
        Assert.Equal(0, after.GetProperty("mutes").GetArrayLength());
    }

    [Fact]
    public async Task Reader_mutes_a_followed_section_for_a_day_from_the_management_page()
    {
        var (page, id, token) = await _context.SubscribeOnFrontPageAsync(fixture, "world", "sports");

        await page.GotoAsync(fixture.Origin + "/notifications");
        await Expect(page.Locator("#mutes-empty")).ToHaveTextAsync("Nothing muted.");
        await page.SelectOptionAsync("#mute-section", "sports");
        await page.ClickAsync("#mute-button");

        await Expect(page.Locator("#status-message")).ToContainTextAsync("Sports is muted for a day.");
        await Expect(page.Locator("#mutes-list li[data-section=\"sports\"]")).ToContainTextAsync("Sports");
        var (_, saved) = await fixture.GetSubscriptionAsync(id, token);
        var mute = Assert.Single(saved.GetProperty("mutes").EnumerateArray());
        Assert.Equal("sports", mute.GetProperty("section").GetString());
        Assert.InRange(mute.GetProperty("until").GetDateTime().ToUniversalTime(), DateTime.UtcNow.AddHours(23), DateTime.UtcNow.AddHours(25));
        // Muted sections are no longer offered for muting.
        await Expect(page.Locator("#mute-section option[value=\"sports\"]")).ToHaveCountAsync(0);
    }

    /// <summary>POST /api/subscriptions/{id}/mutes with the reader's token, as the service worker does.</summary>
    private async Task<int> MuteAsync(string id, string token, string section, int hours)
    {
        using var client = fixture.Server.WithKey(token);
        using var response = await client.PostAsJsonAsync($"/api/subscriptions/{id}/mutes", new { section, hours });
        return (int)response.StatusCode;
    }
}
