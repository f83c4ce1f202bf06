using System.Text.Json;
using System.Text.RegularExpressions;
using Alerts.BrowserTests.Infrastructure;
using Alerts.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Alerts.BrowserTests;

/// <summary>
/// An editor corrects an alert that has gone out, and reads how fast it went out: time to 50, 90 and
/// 99 % and the figures per push service, in the delivery panel while it sends and once it is done.
/// </summary>
public sealed partial class EditorCorrectionTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(20);
    private static readonly LocatorAssertionsToHaveAttributeOptions Slow = new() { Timeout = 20_000 };
    private static readonly LocatorAssertionsToContainTextOptions SlowText = new() { Timeout = 20_000 };

    private IBrowserContext _context = null!;
    private TestSubscriber[] _readers = null!;

    public async Task InitializeAsync()
    {
        _readers = await fixture.OnceAsync("correction-readers", async () => new[]
        {
            await fixture.SubscribeReaderAsync("health"), await fixture.SubscribeReaderAsync("health"),
        });
        _context = await fixture.NewContextAsync();
    }

    public async Task DisposeAsync() => await _context.CloseAsync();

    [Fact]
    public async Task Editor_sees_the_speed_of_a_sent_alert_and_corrects_it()
    {
        var page = await _context.SignInToConsoleAsync(fixture, "health");
        var title = $"Probe lands on the comet {Guid.NewGuid():N}"[..36];
        await page.FillAsync("#alert-title", title);
        await page.FillAsync("#alert-body", "The lander touched down at 16:03 after a seven-hour descent.");
        await page.FillAsync("#alert-url", $"https://news.example/health/{Guid.NewGuid():N}");
        await page.CheckAsync("#audience-sections");
        await page.CheckAsync("#section-health");
        await Expect(page.Locator("#audience-count")).ToHaveAttributeAsync("data-count", "2");

        var sendResponse = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#send-button"),
            r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/api/alerts");
        Assert.Equal(202, sendResponse.Status);
        var id = (await sendResponse.JsonAsync())!.Value.GetProperty("id").GetString()!;

        await Expect(page.Locator("#progress")).ToHaveAttributeAsync("data-status", "done", Slow);
        await Expect(page.Locator("#progress-text")).ToHaveTextAsync("Sent 2 · Failed 0 · Gone 0 of 2");
        await Expect(page.Locator("#progress-detail")).ToHaveTextAsync(new Regex(@"^Finished\. \d+ displays? and \d+ clicks? so far\.$"));

        // Speed: a figure or "—" for each share, and one push service that accepted both pushes.
        await Expect(page.Locator("#progress-speed")).ToBeVisibleAsync();
        foreach (var share in new[] { "50", "90", "99" })
            await Expect(page.Locator($"#speed-{share}")).ToHaveTextAsync(Duration());
        var services = page.Locator("#service-body tr");
        await Expect(services).ToHaveCountAsync(1);
        await Expect(services.Locator(".col-host")).Not.ToBeEmptyAsync();
        await Expect(services.Locator(".col-sent")).ToHaveTextAsync("2");
        await Expect(services.Locator(".col-failed")).ToHaveTextAsync("0");
        await Expect(services.Locator(".col-gone")).ToHaveTextAsync("0");
        await Expect(services.Locator(".col-displayed")).ToHaveTextAsync(new Regex(@"^[0-2]$"));
        await Expect(services.Locator(".col-shown")).ToHaveTextAsync(new Regex(@"^\d{1,3}(\.\d)?%$"));
        await Expect(services.Locator(".col-median")).ToHaveTextAsync(Duration());
        var row = page.Locator($"#history tr[data-id='{id}']");
        await Expect(row).ToHaveAttributeAsync("data-status", "done", Slow);
        await Expect(row.Locator(".col-displayed")).ToHaveTextAsync(new Regex(@"^[0-2]$"));
        await page.Mouse.MoveAsync(0, 0);
        await page.SaveScreenshotAsync("editor-alert-speed.png");

        // Correct: the form starts from the original; the correction is followed like any alert.
        await page.ClickAsync("#correct-button");
        var dialog = page.Locator("#correct-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(page.Locator("#correct-title")).ToHaveValueAsync(title);
        await Expect(page.Locator("#correct-body")).ToHaveValueAsync("The lander touched down at 16:03 after a seven-hour descent.");
        var corrected = $"Probe lands on the comet at 16:05 {Guid.NewGuid():N}"[..44];
        await page.FillAsync("#correct-title", corrected);
        var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#correct-send"),
            r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == $"/api/alerts/{id}/corrections");
        var accepted = await response.JsonAsync();
        Assert.True(response.Status == 202, $"Correcting answered {response.Status}: {accepted}");
        var correctionId = accepted!.Value.GetProperty("id").GetString()!;
        Assert.Equal(id, accepted.Value.GetProperty("correctsId").GetString());
        await Expect(dialog).ToBeHiddenAsync();

        await Expect(page.Locator("#progress-title")).ToHaveTextAsync(corrected);
        await Expect(page.Locator("#progress")).ToHaveAttributeAsync("data-status", "done", Slow);
        await Expect(page.Locator("#progress-meta")).ToContainTextAsync("Correction");
        await Expect(page.Locator("#progress-links")).ToHaveTextAsync("Correction of the original alert.");

        // History: the correction names its original, the original lists its correction.
        var correctionRow = page.Locator($"#history tr[data-id='{correctionId}']");
        await Expect(correctionRow).ToHaveAttributeAsync("data-kind", "correction", Slow);
        await Expect(correctionRow.Locator(".correction-of")).ToHaveTextAsync($"Correction of {title}");
        await Expect(correctionRow.Locator($".correction-of button[data-id='{id}']")).ToBeVisibleAsync();
        await Expect(row.Locator($".corrections button[data-id='{correctionId}']")).ToHaveTextAsync(corrected);

        // The server has it, and both readers got it in place of the original.
        using var original = JsonDocument.Parse(await fixture.Server.Editor().GetStringAsync($"/api/alerts/{id}"));
        Assert.Equal([correctionId], original.RootElement.GetProperty("corrections").EnumerateArray().Select(c => c.GetString()));
        await fixture.Push.WaitForRequestsAsync(all => all.Count(p => p.NotificationId == correctionId) >= 2, PushTimeout);
        Assert.Equal(_readers.Select(r => r.Id).Order(),
            fixture.Push.Received.Where(p => p.NotificationId == correctionId).Select(p => p.SubscriberId).Order());

        // Choosing the original's link from the correction's panel shows the original again, with its correction.
        await page.Locator("#progress-links button").ClickAsync();
        await Expect(page.Locator("#progress-title")).ToHaveTextAsync(title);
        await Expect(page.Locator($"#progress-links button[data-id='{correctionId}']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_refused_correction_shows_the_servers_reason()
    {
        var page = await _context.SignInToConsoleAsync(fixture, "health");
        // Scheduled for tomorrow: it has not ended, so the server refuses a correction (409).
        var title = $"Launch window opens {Guid.NewGuid():N}"[..32];
        using var send = await fixture.Server.Editor().PostAsync("/api/alerts", new StringContent(JsonSerializer.Serialize(new
        {
            title, body = "Countdown resumes at dawn.", url = "https://news.example/health/launch",
            sections = new[] { "health" }, sendAt = DateTime.UtcNow.AddDays(1),
        }), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(202, (int)send.StatusCode);
        var id = JsonDocument.Parse(await send.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        var row = page.Locator($"#history tr[data-id='{id}']");
        await Expect(row).ToHaveAttributeAsync("data-status", "scheduled", Slow);
        await Expect(row.Locator(".correct-row-button")).ToHaveCountAsync(0);

        // The console offers Correct only once an alert has ended; to see how it shows the server's
        // refusal, open the form for the scheduled alert directly (as a stale page would).
        await row.Locator(".col-title button").ClickAsync();
        await Expect(page.Locator("#progress-status")).ToHaveTextAsync("scheduled");
        await Expect(page.Locator("#correct-button")).ToBeHiddenAsync();
        await page.EvaluateAsync("id => import('/js/editor/correct.js').then(m => m.openCorrection({ id, title: 'x', body: 'y', url: '' }))", id);
        await Expect(page.Locator("#correct-dialog")).ToBeVisibleAsync();
        var refused = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#correct-send"),
            r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == $"/api/alerts/{id}/corrections");
        Assert.Equal(409, refused.Status);
        var detail = (await refused.JsonAsync())!.Value.GetProperty("detail").GetString()!;
        await Expect(page.Locator("#correct-error")).ToHaveTextAsync(detail);
        await Expect(page.Locator("#correct-dialog")).ToBeVisibleAsync();
    }

    private static Regex Duration() => DurationPattern();

    [GeneratedRegex(@"^(—|\d+ ms|\d+(\.\d)? s)$")]
    private static partial Regex DurationPattern();
}
