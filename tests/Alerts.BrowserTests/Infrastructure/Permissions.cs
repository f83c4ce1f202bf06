using Microsoft.Playwright;

namespace Alerts.BrowserTests.Infrastructure;

public static class Permissions
{
    /// <summary>
    /// Blocks notifications for an origin in this context, as a reader who chose "Block" earlier
    /// (Playwright can only grant; Chromium's own permission setting is reached through the DevTools protocol).
    /// </summary>
    public static async Task BlockNotificationsAsync(this IPage page, IBrowser browser, string origin)
    {
        var pageSession = await page.Context.NewCDPSessionAsync(page);
        var target = await pageSession.SendAsync("Target.getTargetInfo");
        var contextId = target!.Value.GetProperty("targetInfo").GetProperty("browserContextId").GetString()!;
        await pageSession.DetachAsync();

        var browserSession = await browser.NewBrowserCDPSessionAsync();
        await browserSession.SendAsync("Browser.setPermission", new Dictionary<string, object>
        {
            ["permission"] = new Dictionary<string, object> { ["name"] = "notifications" },
            ["setting"] = "denied",
            ["origin"] = origin,
            ["browserContextId"] = contextId,
        });
        await browserSession.DetachAsync();
    }
}
