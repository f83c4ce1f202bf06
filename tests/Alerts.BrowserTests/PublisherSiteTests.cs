using System.Text.Json;
using Alerts.BrowserTests.Infrastructure;
using Alerts.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Alerts.BrowserTests;

/// <summary>
/// alerts.js embedded on a publisher's own site (another origin) with the one-line worker file:
/// it subscribes across origins through CORS, and only for the origins in Alerts:Cors:AllowedOrigins.
/// </summary>
public sealed class PublisherSiteTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(20);
    private IBrowserContext _context = null!;

    public async Task InitializeAsync() => _context = await fixture.NewContextAsync();

    public async Task DisposeAsync() => await _context.CloseAsync();

    [Fact]
    public async Task Alerts_js_on_an_allowed_publisher_site_subscribes_through_cors()
    {
        var subscriber = TestSubscriber.Create();
        await _context.StubPushManagerAsync(fixture.Push, subscriber);
        await _context.AllowNotificationsAsync(fixture.Publisher.Origin);
        var page = await _context.NewPageAsync();
        await page.GotoAsync(fixture.Publisher.Origin + "/");

        await Expect(page.Locator("#soft-prompt")).ToBeVisibleAsync();
        await page.ClickAsync("#soft-prompt-yes");
        // data-sections="world,sports": those two are offered, ticked.
        await Expect(page.Locator("#section-world")).ToBeCheckedAsync();
        await Expect(page.Locator("#section-sports")).ToBeCheckedAsync();
        await Expect(page.Locator("#subscribe-form input[name=sections]")).ToHaveCountAsync(2);
        await page.ClickAsync("#subscribe-button");

        await Expect(page.Locator("#status-message")).ToHaveAttributeAsync("data-state", "subscribed");
        var record = JsonDocument.Parse((await page.EvaluateAsync<string?>("localStorage.getItem('alerts.subscription')"))!).RootElement;
        Assert.Equal(fixture.Origin, record.GetProperty("apiBase").GetString());
        var (status, subscription) = await fixture.GetSubscriptionAsync(record.GetProperty("id").GetString()!, record.GetProperty("token").GetString()!);
        Assert.Equal(200, status);
        Assert.Equal(["sports", "world"], subscription.GetProperty("sections").EnumerateArray().Select(s => s.GetString()).Order());

        // The publisher's one-line worker imports sw.js from the Alerts origin and shows the push.
        var url = $"https://news.example/world/{Guid.NewGuid():N}";
        await fixture.PublishArticleAsync($"world-{Guid.NewGuid():N}", "Ceasefire holds for a second week", url, "world");
        await fixture.Push.WaitForRequestsAsync(all => all.Any(p => p.SubscriberId == subscriber.Id), PushTimeout);
        var push = fixture.Push.ReceivedBy(subscriber).Single();
        await page.DeliverPushAsync(fixture.Publisher.Origin, push.Plaintext);
        var shown = await page.WaitForNotificationsAsync(n => n.Count == 1, PushTimeout);
        Assert.Equal("Ceasefire holds for a second week", shown[0].Title);
        Assert.Equal(url, shown[0].Url);
    }

    [Fact]
    public async Task Alerts_js_on_a_site_not_in_the_cors_list_cannot_reach_the_api()
    {
        await _context.StubPushManagerAsync(fixture.Push, TestSubscriber.Create());
        await _context.AllowNotificationsAsync(fixture.Stranger.Origin);
        var page = await _context.NewPageAsync();
        await page.GotoAsync(fixture.Stranger.Origin + "/");

        await Expect(page.Locator("#soft-prompt")).ToBeVisibleAsync();
        await page.ClickAsync("#soft-prompt-yes");
        var status = page.Locator("#status-message");
        await Expect(status).ToHaveAttributeAsync("data-state", "error");
        await Expect(status).ToContainTextAsync("could not be reached");
        await Expect(page.Locator("#subscribe-form")).ToBeHiddenAsync();

        // The browser itself refuses the answer: the server sends no Access-Control-Allow-Origin for this site.
        var refused = await page.EvaluateAsync<string>("""
            (api) => fetch(api + '/api/sections', { mode: 'cors' }).then(() => 'answered', (e) => e.name)
            """, fixture.Origin);
        Assert.Equal("TypeError", refused);
        using var client = fixture.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/sections");
        request.Headers.Add("Origin", fixture.Stranger.Origin);
        using var response = await client.SendAsync(request);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("/sw.js")]
    [InlineData("/alerts.js")]
    [InlineData("/js/subscribe-ui.js")]
    public async Task Worker_and_embed_scripts_are_revalidated_on_every_load(string path)
    {
        // Publishers' workers importScripts sw.js, which browsers take from the HTTP cache when they may.
        using var client = fixture.Server.CreateClient();
        using var response = await client.GetAsync(path);

        response.EnsureSuccessStatusCode();
        Assert.True(response.Headers.CacheControl?.NoCache, $"{path} answered Cache-Control: {response.Headers.CacheControl}");
        Assert.Contains("javascript", response.Content.Headers.ContentType?.MediaType);
    }
}
