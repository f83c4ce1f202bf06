using Alerts.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace Alerts.BrowserTests;

/// <summary>
/// The pages run under their Content-Security-Policy in Chromium without a single violation, and the
/// editors' console cannot be framed by another site.
/// </summary>
public sealed class ContentSecurityPolicyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private IBrowserContext _context = null!;

    public async Task InitializeAsync() => _context = await fixture.NewContextAsync();

    public async Task DisposeAsync() => await _context.CloseAsync();

    [Theory]
    [InlineData("/")]
    [InlineData("/notifications")]
    [InlineData("/editor")]
    [InlineData("/digest/0192f1a4-5b6c-7d8e-9f00-112233445566")]
    public async Task Page_runs_without_a_policy_violation(string path)
    {
        var page = await _context.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add(message.Text);
        };
        await page.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', e => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));");

        var response = await page.GotoAsync(fixture.Origin + path, new() { WaitUntil = WaitUntilState.NetworkIdle });

        Assert.NotNull(response);
        Assert.Contains("frame-ancestors 'none'", (await response.AllHeadersAsync())["content-security-policy"]);
        Assert.Empty(violations);
    }

    [Fact]
    public async Task Editor_console_is_not_shown_inside_another_sites_frame()
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync(fixture.Stranger.Origin + "/");
        await page.EvaluateAsync("""
            (src) => new Promise(resolve => {
              const frame = document.createElement('iframe');
              frame.src = src;
              frame.onload = resolve;
              document.body.appendChild(frame);
              setTimeout(resolve, 3000);
            })
            """, fixture.Origin + "/editor");

        foreach (var frame in page.Frames.Where(f => f != page.MainFrame))
        {
            bool hasConsole;
            try
            {
                hasConsole = await frame.EvaluateAsync<bool>("() => !!document.querySelector('#api-key')");
            }
            catch (PlaywrightException)
            {
                hasConsole = false; // the blocked frame holds Chromium's error page
            }
            Assert.False(hasConsole, "the editors' console rendered inside another site's frame");
        }
    }
}
