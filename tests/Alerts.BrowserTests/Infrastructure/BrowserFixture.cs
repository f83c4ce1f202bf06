using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.Testing;
using Microsoft.Playwright;

namespace Alerts.BrowserTests.Infrastructure;

/// <summary>
/// One test class's world: the fake push service, the real Alerts host in embedded mode (in-memory
/// bus, a temporary SQLite file) on a real loopback port, two publisher sites (one allowed by
/// Alerts:Cors:AllowedOrigins, one not) and one headless Chromium. Tests take a new context each.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    private readonly string _databaseFile = Path.Combine(Path.GetTempPath(), $"alerts-browser-{Guid.NewGuid():N}.db");
    private readonly ConcurrentDictionary<string, Lazy<Task>> _once = new();
    private IPlaywright _playwright = null!;

    public FakePushService Push { get; private set; } = null!;
    public AlertsServer Server { get; private set; } = null!;

    /// <summary>The Alerts server's origin, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Origin { get; private set; } = "";

    /// <summary>A publisher site listed in Alerts:Cors:AllowedOrigins.</summary>
    public PublisherSite Publisher { get; private set; } = null!;

    /// <summary>A site that is not listed: the browser must refuse its calls to the API.</summary>
    public PublisherSite Stranger { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Push = await FakePushService.StartAsync(AlertsServer.VapidSubject);
        Publisher = await PublisherSite.StartAsync(() => Origin);
        Stranger = await PublisherSite.StartAsync(() => Origin);

        var settings = AlertsServer.BaseSettings(Push);
        settings["ConnectionStrings:Alerts"] = $"Data Source={_databaseFile}";
        settings["Alerts:Cors:AllowedOrigins:0"] = Publisher.Origin;
        Server = new AlertsServer(settings);
        Origin = Server.StartOnLoopbackPort().GetLeftPart(UriPartial.Authority);
        await Server.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>A fresh profile: no service worker, no storage, no permissions.</summary>
    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en-GB",
            TimezoneId = "Asia/Karachi",
        });
        context.SetDefaultTimeout(15_000);
        return context;
    }

    /// <summary>Announces an article like a CMS webhook; returns nothing until the server accepted it.</summary>
    public async Task PublishArticleAsync(string articleId, string title, string url, params string[] sections)
    {
        var response = await Server.Editor().PostAsJsonAsync("/api/articles", new
        {
            articleId, title, summary = $"Summary of {title}.", url, sections,
            publishedAt = DateTime.UtcNow.ToString("O"), breaking = false,
        });
        Assert.True(response.IsSuccessStatusCode, $"Publishing failed with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>
    /// A reader subscribed through POST /api/subscriptions (instant alerts) whose endpoint is the fake
    /// push service's, so the pushes it gets are decrypted with its own keys.
    /// </summary>
    public async Task<TestSubscriber> SubscribeReaderAsync(params string[] sections)
    {
        var subscriber = TestSubscriber.Create();
        await Server.SubscribeAsync(Push, subscriber, sections);
        return subscriber;
    }

    /// <summary>
    /// Runs <paramref name="create"/> once for this fixture (so once per test class) and hands every
    /// caller the same result, e.g. the readers that all of a class's tests count on.
    /// </summary>
    public Task<T> OnceAsync<T>(string key, Func<Task<T>> create) =>
        (Task<T>)_once.GetOrAdd(key, _ => new Lazy<Task>(create)).Value;

    /// <summary>GET /api/subscriptions/{id} with the reader's token: the status and the body.</summary>
    public async Task<(int Status, JsonElement Body)> GetSubscriptionAsync(string id, string token)
    {
        using var client = Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/subscriptions/{id}");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
        await Publisher.DisposeAsync();
        await Stranger.DisposeAsync();
        await Push.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(_databaseFile) + "*")) File.Delete(file);
    }
}
