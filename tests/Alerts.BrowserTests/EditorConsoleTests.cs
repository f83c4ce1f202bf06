using System.Text.Json;
using System.Text.RegularExpressions;
using Alerts.BrowserTests.Infrastructure;
using Alerts.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Alerts.BrowserTests;

/// <summary>
/// An editor in the console at /editor, in Chromium against the real server: sign in with an API key,
/// compose and preview a breaking alert, send it to sections or to everyone, follow its delivery to the
/// fake push service, and see the server's refusals next to the fields they concern.
/// </summary>
public sealed class EditorConsoleTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(20);
    private static readonly LocatorAssertionsToHaveAttributeOptions Slow = new() { Timeout = 20_000 };

    private IBrowserContext _context = null!;
    private Readers _readers = null!;

    /// <summary>The class's audience: two readers of Sports and one of World, subscribed once for every test.</summary>
    private sealed record Readers(TestSubscriber[] Sports, TestSubscriber World)
    {
        public IEnumerable<TestSubscriber> Everyone => [.. Sports, World];
    }

    public async Task InitializeAsync()
    {
        _readers = await fixture.OnceAsync("editor-readers", async () => new Readers(
            [await fixture.SubscribeReaderAsync("sports"), await fixture.SubscribeReaderAsync("sports")],
            await fixture.SubscribeReaderAsync("world")));
        _context = await fixture.NewContextAsync();
    }

    public async Task DisposeAsync() => await _context.CloseAsync();

    [Fact]
    public async Task Editor_sends_a_section_alert_and_watches_it_go_out()
    {
        var page = await SignInAsync();
        var title = $"Cup final goes to extra time {Guid.NewGuid():N}"[..40];
        var url = $"https://news.example/sports/{Guid.NewGuid():N}";

        await page.FillAsync("#alert-title", title);
        await page.FillAsync("#alert-body", "Both sides level at 2–2 after ninety minutes in the capital.");
        await page.FillAsync("#alert-url", url);
        await page.FillAsync("#alert-image", "https://news.example/images/final.jpg");
        await page.CheckAsync("#audience-sections");
        await page.CheckAsync("#section-sports");

        // The live preview follows the form.
        await Expect(page.Locator("#preview-title")).ToHaveTextAsync(title);
        await Expect(page.Locator("#preview-body")).ToHaveTextAsync("Both sides level at 2–2 after ninety minutes in the capital.");
        var badges = page.Locator("#preview-audience .badge");
        await Expect(badges).ToHaveCountAsync(1);
        await Expect(badges).ToHaveTextAsync("Sports");
        await Expect(badges).ToHaveAttributeAsync("data-section", "sports");
        await Expect(page.Locator("#audience-count")).ToHaveAttributeAsync("data-count", "2");
        await Expect(page.Locator("#audience-count")).ToHaveTextAsync("Will reach 2 readers");

        var id = await SendAsync(page, () => page.ClickAsync("#send-button"));

        var progress = page.Locator("#progress");
        await Expect(progress).ToBeVisibleAsync();
        await Expect(progress).ToHaveAttributeAsync("data-status", "done", Slow);
        await Expect(page.Locator("#progress-title")).ToHaveTextAsync(title);
        await Expect(page.Locator("#progress-bar")).ToHaveAttributeAsync("max", "2");
        await Expect(page.Locator("#progress-bar")).ToHaveAttributeAsync("value", "2");
        await Expect(page.Locator("#progress-text")).ToContainTextAsync("Sent 2");
        await Expect(page.Locator("#progress-text")).ToHaveTextAsync("Sent 2 · Failed 0 · Gone 0 of 2");

        // Exactly the Sports readers got it, urgently, and the sent form was cleared.
        await fixture.Push.WaitForRequestsAsync(all => all.Count(p => TitleOf(p) == title) >= 2, PushTimeout);
        var pushes = fixture.Push.Received.Where(p => TitleOf(p) == title).ToList();
        Assert.Equal(_readers.Sports.Select(r => r.Id).Order(), pushes.Select(p => p.SubscriberId).Order());
        Assert.All(pushes, p =>
        {
            Assert.Equal("high", p.Urgency);
            Assert.Equal(url, p.Payload.GetProperty("url").GetString());
            Assert.Equal(id, p.Payload.GetProperty("id").GetString());
        });
        await Expect(page.Locator("#alert-title")).ToHaveValueAsync("");

        var row = page.Locator($"#history tr[data-id='{id}']");
        await Expect(row).ToHaveAttributeAsync("data-status", "done", Slow);
        await Expect(row.Locator(".col-title")).ToHaveTextAsync(title);
        await Expect(row.Locator(".col-by")).ToHaveTextAsync("desk");
        await Expect(row.Locator(".col-targeted")).ToHaveTextAsync("2");
        await Expect(row.Locator(".col-sent")).ToHaveTextAsync("2");
        await Expect(row.Locator(".col-clicked")).ToHaveTextAsync("0");
        await Expect(row.Locator(".col-ctr")).ToHaveTextAsync("0%");

        // The chart counts this hour's pushes once the finished alert refreshed it; then the screenshot.
        await Expect(page.Locator("#chart-desc")).ToHaveTextAsync(new Regex(@"^[1-9][\d,]* notifications? sent"));
        await Expect(page.Locator("#chart .chart-bars .bar-sent:not([height='0'])")).Not.ToHaveCountAsync(0);
        await page.Mouse.MoveAsync(0, 0);
        await page.SaveScreenshotAsync("editor-console.png");
    }

    [Fact]
    public async Task Sending_to_everyone_asks_for_confirmation()
    {
        var page = await SignInAsync();
        var title = $"Polls close across the country {Guid.NewGuid():N}"[..40];
        await page.FillAsync("#alert-title", title);
        await page.FillAsync("#alert-body", "Counting begins in every constituency.");
        await page.FillAsync("#alert-url", $"https://news.example/world/{Guid.NewGuid():N}");
        await Expect(page.Locator("#audience-everyone")).ToBeCheckedAsync();
        await Expect(page.Locator("#preview-audience .badge")).ToHaveTextAsync("Everyone");
        await Expect(page.Locator("#audience-count")).ToHaveAttributeAsync("data-count", "3");

        // Cancel: the dialog closes and nothing leaves; the compose form is kept.
        var dialog = page.Locator("#confirm-dialog");
        await page.ClickAsync("#send-button");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(page.Locator("#confirm-message")).ToHaveTextAsync("This alert will go to every subscriber: 3 readers.");
        await Expect(page.Locator("#confirm-alert-title")).ToContainTextAsync(title);
        await page.ClickAsync("#confirm-cancel");
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page.Locator("#alert-title")).ToHaveValueAsync(title);
        await Expect(page.Locator("#progress")).ToBeHiddenAsync();
        Assert.Empty(await AlertsTitledAsync(title));

        // Confirm: it goes to all three readers, once.
        await page.ClickAsync("#send-button");
        await Expect(dialog).ToBeVisibleAsync();
        var id = await SendAsync(page, () => page.ClickAsync("#confirm-send"));
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page.Locator("#progress")).ToHaveAttributeAsync("data-status", "done", Slow);
        await Expect(page.Locator("#progress-text")).ToHaveTextAsync("Sent 3 · Failed 0 · Gone 0 of 3");

        await fixture.Push.WaitForRequestsAsync(all => all.Count(p => TitleOf(p) == title) >= 3, PushTimeout);
        var pushes = fixture.Push.Received.Where(p => TitleOf(p) == title).ToList();
        Assert.Equal(_readers.Everyone.Select(r => r.Id).Order(), pushes.Select(p => p.SubscriberId).Order());
        Assert.Equal([id], await AlertsTitledAsync(title));
        var row = page.Locator($"#history tr[data-id='{id}']");
        await Expect(row).ToHaveAttributeAsync("data-status", "done", Slow);
        await Expect(row.Locator(".col-sent")).ToHaveTextAsync("3");
    }

    [Fact]
    public async Task Api_errors_are_shown_next_to_their_field()
    {
        var page = await SignInAsync();
        var title = $"Rejected alert {Guid.NewGuid():N}";
        await page.FillAsync("#alert-title", title);
        await page.FillAsync("#alert-body", "This one never leaves.");
        await page.CheckAsync("#section-world");
        await Expect(page.Locator("#audience-sections")).ToBeCheckedAsync();

        // The page's own check: a javascript: link never reaches the server.
        await page.FillAsync("#alert-url", "javascript:alert(1)");
        await page.ClickAsync("#send-button");
        await Expect(page.Locator("#error-url")).ToHaveTextAsync("Use a full address starting with http:// or https://.");
        await Expect(page.Locator("#alert-url")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#alert-url")).ToBeFocusedAsync();

        // What only the server refuses: a time in the past and a TTL under a minute.
        await page.FillAsync("#alert-url", "https://news.example/world/rejected");
        await Expect(page.Locator("#error-url")).ToBeEmptyAsync();
        await page.FillAsync("#alert-send-at", "2020-01-01T09:00");
        await page.FillAsync("#alert-ttl", "30");
        var refused = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#send-button"), IsSend);
        Assert.Equal(400, refused.Status);
        await Expect(page.Locator("#error-sendAt")).ToContainTextAsync("is in the past; leave it out to send now");
        await Expect(page.Locator("#error-ttlSeconds")).ToContainTextAsync("must be between 60 and 2419200 seconds");
        await Expect(page.Locator("#alert-send-at")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#alert-send-at")).ToBeFocusedAsync();
        await Expect(page.Locator("#error-title")).ToBeEmptyAsync();
        await Expect(page.Locator("#error-body")).ToBeEmptyAsync();
        await Expect(page.Locator("#form-error")).ToBeEmptyAsync();

        // Each field's message goes once the field is edited. Then a payload that would not fit in one
        // 4096-byte push record: multi-byte text within the length limits, and long links.
        await page.FillAsync("#alert-send-at", "");
        await Expect(page.Locator("#error-sendAt")).ToBeEmptyAsync();
        await page.FillAsync("#alert-ttl", "");
        await Expect(page.Locator("#error-ttlSeconds")).ToBeEmptyAsync();
        await page.FillAsync("#alert-title", string.Concat(Enumerable.Repeat("速報", 60)));
        await page.FillAsync("#alert-body", string.Concat(Enumerable.Repeat("選挙結果", 100)));
        await page.FillAsync("#alert-url", "https://news.example/world/" + new string('a', 1500));
        await page.FillAsync("#alert-image", "https://news.example/images/" + new string('b', 1500));
        refused = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#send-button"), IsSend);
        Assert.Equal(400, refused.Status);
        await Expect(page.Locator("#error-body")).ToHaveTextAsync(new Regex(@"the encrypted push would be \d+ bytes over the 4096-byte limit"));
        await Expect(page.Locator("#alert-body")).ToBeFocusedAsync();
        await Expect(page.Locator("#progress")).ToBeHiddenAsync();

        Assert.Empty(await AlertsTitledAsync(title));
        Assert.DoesNotContain(fixture.Push.Received, p => TitleOf(p) is { } t && (t == title || t.StartsWith("速報", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Wrong_key_is_refused_at_sign_in()
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync(fixture.Origin + "/editor");
        await page.FillAsync("#api-key", "not-a-key-0123456789abcdef");
        await page.ClickAsync("#sign-in-button");

        await Expect(page.Locator("#sign-in-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#sign-in-error")).ToHaveTextAsync("That API key was not recognised. Check it and try again.");
        await Expect(page.Locator("#api-key")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#compose-form")).ToBeHiddenAsync();
        await Expect(page.Locator("#signed-in-name")).ToBeHiddenAsync();
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('alerts.editor.apiKey')"));
    }

    /// <summary>Opens /editor and signs in with the fixture's Editor key ("desk").</summary>
    private async Task<IPage> SignInAsync()
    {
        // Sections come from the API; the audience controls work once they are there.
        var page = await _context.SignInToConsoleAsync(fixture, "sports");
        await Expect(page.Locator("#signed-in-role")).ToHaveTextAsync("Editor");
        await Expect(page.Locator("#compose-form")).ToBeVisibleAsync();
        await Expect(page.Locator("#sign-in-error")).ToBeEmptyAsync();
        return page;
    }

    /// <summary>Runs the action that sends, and returns the id from the server's 202.</summary>
    private static async Task<string> SendAsync(IPage page, Func<Task> action)
    {
        var response = await page.RunAndWaitForResponseAsync(action, IsSend);
        var body = await response.JsonAsync();
        Assert.True(response.Status == 202, $"Sending answered {response.Status}: {body}");
        return body!.Value.GetProperty("id").GetString()!;
    }

    private static bool IsSend(IResponse response) =>
        response.Request.Method == "POST" && new Uri(response.Url).AbsolutePath == "/api/alerts";

    private async Task<List<string>> AlertsTitledAsync(string title)
    {
        var list = JsonDocument.Parse(await fixture.Server.Editor().GetStringAsync("/api/alerts?limit=500")).RootElement;
        return list.EnumerateArray().Where(a => a.GetProperty("title").GetString() == title)
            .Select(a => a.GetProperty("id").GetString()!).ToList();
    }

    private static string? TitleOf(ReceivedPush push) =>
        push.Payload.ValueKind == JsonValueKind.Object && push.Payload.TryGetProperty("title", out var title) ? title.GetString() : null;
}
