using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.WebPush;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alerts.IntegrationTests.Security;

/// <summary>
/// The main scenarios with every log line captured at Debug: subscribe, refresh, take-over attempt,
/// read and change preferences, an editor's alert and an article pushed (to readers whose push service
/// answers 201, 410 and 400), a wrong key, unsubscribe.
/// No line holds the VAPID private key, an API key, a subscription token, an endpoint or a reader's keys.
/// </summary>
public sealed class SecretsInLogsTests
{
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

        public void Dispose() { }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull
            {
                lines.Enqueue($"{category} scope: {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {values} {exception}");
            }
        }
    }

    [Fact]
    public async Task Main_scenarios_log_no_secret_and_no_endpoint()
    {
        var capture = new CapturingLoggerProvider();
        var vapid = VapidKeys.Generate();
        const string wrongKey = "guess-Zx81bQ4mT7vL2pN9sR3wK6";
        await using var server = await EmbeddedServer.StartAsync(s =>
        {
            foreach (var category in new[] { "Default", "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "System.Net.Http.HttpClient", "MassTransit", "Hangfire" })
                s[$"Logging:LogLevel:{category}"] = "Debug";
            s["Alerts:Vapid:PublicKey"] = vapid.PublicKey;
            s["Alerts:Vapid:PrivateKey"] = vapid.PrivateKey;
        }, services => services.AddSingleton<ILoggerProvider>(capture));
        var reader = TestSubscriber.Create();
        var other = TestSubscriber.Create();
        var endpoint = server.Push.EndpointFor(reader);

        var gone = TestSubscriber.Create();
        var refusing = TestSubscriber.Create();
        await server.Server.SubscribeAsync(server.Push, gone, ["world"]);
        await server.Server.SubscribeAsync(server.Push, refusing, ["world"]);
        server.Push.Script(gone, FakeResponse.Gone());
        server.Push.Script(refusing, FakeResponse.Status(400), FakeResponse.Status(400));
        var created = await server.Server.SubscribeAsync(server.Push, reader, ["world"]);
        var refreshed = await server.Server.SubscribeAsync(server.Push, reader, ["world", "sports"]);
        var takeover = await server.Server.CreateClient().PostAsJsonAsync("/api/subscriptions", new
        {
            subscription = new { endpoint, keys = new { p256dh = other.P256dh, auth = other.Auth } },
            sections = new[] { "world" }, delivery = new { mode = "instant" },
        });
        Assert.Equal(System.Net.HttpStatusCode.Conflict, takeover.StatusCode);
        var owner = server.Server.CreateClient();
        owner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", refreshed.Token);
        (await owner.GetAsync($"/api/subscriptions/{created.Id}")).EnsureSuccessStatusCode();
        (await owner.PutAsJsonAsync($"/api/subscriptions/{created.Id}", new { sections = new[] { "world" }, delivery = new { mode = "instant" } })).EnsureSuccessStatusCode();

        (await server.Server.Editor().PostAsJsonAsync("/api/alerts", new { title = "Breaking", body = "b", url = "https://news.example/b", sections = new[] { "world" } })).EnsureSuccessStatusCode();
        (await server.Server.Admin().PostAsJsonAsync("/api/articles", new { articleId = "logs-1", title = "Story", url = "https://news.example/s", sections = new[] { "world" } })).EnsureSuccessStatusCode();
        await server.Push.WaitForDeliveredAsync(2, TimeSpan.FromSeconds(20));
        await server.Push.WaitForRequestsAsync(all => all.Count(p => p.SubscriberId == refusing.Id) >= 2 && all.Any(p => p.SubscriberId == gone.Id), TimeSpan.FromSeconds(20));
        var guesser = server.Server.CreateClient();
        guesser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", wrongKey);
        await guesser.GetAsync("/api/alerts");
        (await owner.DeleteAsync($"/api/subscriptions/{created.Id}")).EnsureSuccessStatusCode();

        var log = string.Join("\n", capture.Lines);
        Assert.True(capture.Lines.Count > 50, $"expected a full log, got {capture.Lines.Count} lines");
        var secrets = new Dictionary<string, string>
        {
            ["VAPID private key"] = vapid.PrivateKey,
            ["editor API key"] = AlertsServer.EditorKey,
            ["admin API key"] = AlertsServer.AdminKey,
            ["presented wrong key"] = wrongKey,
            ["first subscription token"] = created.Token,
            ["refreshed subscription token"] = refreshed.Token,
            ["endpoint"] = endpoint,
            ["endpoint path"] = $"/push/{reader.Id}",
            ["reader's p256dh"] = reader.P256dh,
            ["reader's auth secret"] = reader.Auth,
            ["other p256dh"] = other.P256dh,
            ["endpoint that answered 410"] = $"/push/{gone.Id}",
            ["endpoint that answered 400"] = $"/push/{refusing.Id}",
            ["auth secret of the one that answered 400"] = refusing.Auth,
        };
        foreach (var (what, secret) in secrets)
        {
            var line = capture.Lines.FirstOrDefault(l => l.Contains(secret, StringComparison.Ordinal));
            Assert.True(line is null, $"The log holds the {what}: {line}");
        }
        Assert.Contains(JsonSerializer.Serialize(created.Id).Trim('"'), log); // the id is fine to log, and it is there
    }
}
