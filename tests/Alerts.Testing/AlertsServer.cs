using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Testing;

/// <summary>
/// The real host, configured like a user would with settings, started in-process.
/// <paramref name="configureServices"/> replaces services after the host's own, e.g. the clock.
/// </summary>
public sealed class AlertsServer(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    : WebApplicationFactory<Program>
{
    // Random-looking, as start-up refuses placeholders and keys under 128 bits.
    public const string EditorKey = "ed_4kQ9vT2mX7pL3sR8wN6zB1cF5hJ0yDa";
    public const string AdminKey = "ad_7pW2nR9kL4xT6vQ1mZ8sB3cF5hJ0yGe";
    public const string VapidSubject = "mailto:newsroom@example.com";

    public static Dictionary<string, string?> BaseSettings(FakePushService push) => new()
    {
        ["Alerts:Push:AllowedOrigins:0"] = push.Origin,
        ["Alerts:Vapid:Subject"] = VapidSubject,
        ["Alerts:ApiKeys:0:Name"] = "desk",
        ["Alerts:ApiKeys:0:Key"] = EditorKey,
        ["Alerts:ApiKeys:0:Role"] = "Editor",
        ["Alerts:ApiKeys:1:Name"] = "ops",
        ["Alerts:ApiKeys:1:Key"] = AdminKey,
        ["Alerts:ApiKeys:1:Role"] = "Admin",
        ["Alerts:RateLimits:SubscribePerMinute"] = "10000",
        ["Alerts:RateLimits:FailedAuthPerMinute"] = "10000",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        if (configureServices is not null) builder.ConfigureTestServices(configureServices);
    }

    /// <summary>
    /// Serves the app on a real loopback port (Kestrel instead of the in-memory test server), so a
    /// browser can load its pages; returns the origin, e.g. <c>http://127.0.0.1:41234</c>.
    /// </summary>
    public Uri StartOnLoopbackPort()
    {
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new Uri(new Uri(address).GetLeftPart(UriPartial.Authority));
    }

    public HttpClient Editor() => WithKey(EditorKey);

    public HttpClient Admin() => WithKey(AdminKey);

    /// <summary>A client that sends <c>Authorization: Bearer</c> with this API key or subscription token.</summary>
    public HttpClient WithKey(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Waits until the store and the bus report ready, so exchanges and queues exist.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var client = CreateClient();
        var deadline = DateTime.UtcNow + timeout;
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            var response = await client.GetAsync("/health/ready");
            if (response.IsSuccessStatusCode) return;
            last = await response.Content.ReadAsStringAsync();
            await Task.Delay(100);
        }
        throw new TimeoutException($"The server did not become ready: {last}");
    }

    public async Task<CreatedSubscription> SubscribeAsync(FakePushService push, TestSubscriber subscriber, string[] sections, object? delivery = null,
        string timeZone = "Asia/Karachi", object? quietHours = null)
    {
        var response = await CreateClient().PostAsJsonAsync("/api/subscriptions", new
        {
            subscription = new { endpoint = push.EndpointFor(subscriber), expirationTime = (object?)null, keys = new { p256dh = subscriber.P256dh, auth = subscriber.Auth } },
            sections,
            delivery = delivery ?? new { mode = "instant" },
            timeZone,
            quietHours,
        });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Subscribing failed with {(int)response.StatusCode}: {body}");
        var json = JsonDocument.Parse(body).RootElement;
        return new CreatedSubscription(json.GetProperty("id").GetGuid(), json.GetProperty("token").GetString()!);
    }

    public async Task<JsonElement> WaitForNotificationAsync(Func<JsonElement, bool> condition, TimeSpan timeout)
    {
        var client = Editor();
        var deadline = DateTime.UtcNow + timeout;
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await client.GetFromJsonAsync<JsonElement>("/api/alerts");
            foreach (var item in last.EnumerateArray())
                if (condition(item)) return item;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No notification matched; the service lists: {last}");
    }
}

public sealed record CreatedSubscription(Guid Id, string Token);
