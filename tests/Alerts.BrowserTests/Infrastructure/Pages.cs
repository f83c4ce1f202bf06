using System.Text.Json;
using Alerts.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Alerts.BrowserTests.Infrastructure;

/// <summary>The steps many tests start with: an editor signed in to the console, a reader subscribed from the front page.</summary>
public static class Pages
{
    /// <summary>Opens /editor, signs in with the Editor key ("desk") and waits for the sections (the audience controls need them).</summary>
    public static async Task<IPage> SignInToConsoleAsync(this IBrowserContext context, BrowserFixture fixture, string section)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.Origin + "/editor");
        await page.FillAsync("#api-key", AlertsServer.EditorKey);
        await page.ClickAsync("#sign-in-button");
        await Expect(page.Locator("#signed-in-name")).ToHaveTextAsync("desk");
        await Expect(page.Locator($"#section-{section}")).ToBeAttachedAsync();
        return page;
    }

    /// <summary>Subscribes a new reader (instant, to these sections) on the front page; returns the page and the stored id and token.</summary>
    public static async Task<(IPage Page, string Id, string Token)> SubscribeOnFrontPageAsync(this IBrowserContext context, BrowserFixture fixture, params string[] sections)
    {
        await context.StubPushManagerAsync(fixture.Push, TestSubscriber.Create());
        await context.AllowNotificationsAsync(fixture.Origin);
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.Origin + "/");

        await page.ClickAsync("#soft-prompt-yes");
        foreach (var section in sections) await page.CheckAsync($"#section-{section}");
        await page.CheckAsync("#delivery-instant");
        await page.ClickAsync("#subscribe-button");

        await Expect(page.Locator("#status-message")).ToHaveAttributeAsync("data-state", "subscribed");
        var stored = await page.EvaluateAsync<string?>("localStorage.getItem('alerts.subscription')");
        Assert.False(string.IsNullOrEmpty(stored), "The page stored no subscription.");
        var record = JsonDocument.Parse(stored).RootElement;
        return (page, record.GetProperty("id").GetString()!, record.GetProperty("token").GetString()!);
    }
}
