using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Alerts.Observability;

namespace Alerts.IntegrationTests;

/// <summary>/metrics answers "is the alert out?", "who is subscribed to what" and "is Hangfire failing jobs".</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task After_a_fan_out_metrics_count_the_pushes_that_were_sent()
    {
        var database = Path.Combine(Path.GetTempPath(), $"alerts-metrics-{Guid.NewGuid():N}.db");
        await using var push = await FakePushService.StartAsync(AlertsServer.VapidSubject);
        var settings = AlertsServer.BaseSettings(push);
        settings["ConnectionStrings:Alerts"] = $"Data Source={database}";
        await using var server = new AlertsServer(settings);
        // /metrics answers loopback only (README, Security): serve on a real loopback port, not the in-memory test server.
        server.StartOnLoopbackPort();
        await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        var readers = Enumerable.Range(0, 3).Select(_ => TestSubscriber.Create()).ToList();
        foreach (var reader in readers) await server.SubscribeAsync(push, reader, ["business"]);
        var client = server.CreateClient();
        // Counters are per process and other tests send too: compare what this fan-out added, at least.
        var before = Parse(await client.GetStringAsync("/metrics"));

        var response = await server.Editor().PostAsJsonAsync("/api/alerts", new { title = "Counted", body = "b", url = "https://news.example/counted", sections = new[] { "business" } });
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        await push.WaitForDeliveredAsync(readers.Count, TimeSpan.FromSeconds(30));
        var after = Parse(await client.GetStringAsync("/metrics"));

        Assert.True(Sum(after, "alerts_push_results_total", "outcome=\"sent\"") - Sum(before, "alerts_push_results_total", "outcome=\"sent\"") >= readers.Count,
            "alerts_push_results_total{outcome=\"sent\"} did not count the pushes sent");
        Assert.True(Sum(after, "alerts_push_request_seconds_count", "") - Sum(before, "alerts_push_request_seconds_count", "") >= readers.Count,
            "alerts_push_request_seconds did not time the push requests");
    }

    private static double Sum(Dictionary<string, double> metrics, string name, string label) =>
        metrics.Where(m => (m.Key == name || m.Key.StartsWith(name + "{", StringComparison.Ordinal)) && m.Key.Contains(label, StringComparison.Ordinal)).Sum(m => m.Value);

    [Fact]
    public async Task Metrics_count_subscriptions_by_section_and_mode_and_hangfire_jobs_by_state()
    {
        var database = Path.Combine(Path.GetTempPath(), $"alerts-metrics-{Guid.NewGuid():N}.db");
        // Sections of this test's own, so servers of other tests in the process never write these series.
        var suffix = Guid.NewGuid().ToString("N")[..8];
        string local = $"local-{suffix}", weather = $"weather-{suffix}";
        await using var push = await FakePushService.StartAsync(AlertsServer.VapidSubject);
        var settings = AlertsServer.BaseSettings(push);
        settings["ConnectionStrings:Alerts"] = $"Data Source={database}";
        settings["Alerts:Sections:0:Id"] = local;
        settings["Alerts:Sections:0:Name"] = "Local";
        settings["Alerts:Sections:1:Id"] = weather;
        settings["Alerts:Sections:1:Name"] = "Weather";
        settings[StoreMetrics.RefreshIntervalKey] = "00:00:00.200";
        await using var server = new AlertsServer(settings);
        // /metrics answers loopback only (README, Security): serve on a real loopback port, not the in-memory test server.
        server.StartOnLoopbackPort();
        await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));

        await server.SubscribeAsync(push, TestSubscriber.Create(), [local]);
        await server.SubscribeAsync(push, TestSubscriber.Create(), [local, weather]);
        await server.SubscribeAsync(push, TestSubscriber.Create(), [local], new { mode = "digest", at = "08:00" });

        var expected = new Dictionary<string, double>
        {
            [$"alerts_subscriptions{{section=\"{local}\",mode=\"instant\"}}"] = 2,
            [$"alerts_subscriptions{{section=\"{local}\",mode=\"digest\"}}"] = 1,
            [$"alerts_subscriptions{{section=\"{weather}\",mode=\"instant\"}}"] = 1,
            [$"alerts_subscriptions{{section=\"{weather}\",mode=\"digest\"}}"] = 0,
        };
        var client = server.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        Dictionary<string, double> scraped;
        do
        {
            scraped = Parse(await client.GetStringAsync("/metrics"));
            if (expected.All(e => scraped.TryGetValue(e.Key, out var v) && v == e.Value)) break;
            await Task.Delay(200);
        } while (DateTime.UtcNow < deadline);

        foreach (var (series, value) in expected)
            Assert.True(scraped.TryGetValue(series, out var actual) && actual == value, $"{series} should be {value}; /metrics has {(scraped.TryGetValue(series, out var v) ? v : "nothing")}");
        Assert.True(scraped.ContainsKey("alerts_hangfire_jobs{state=\"failed\"}"), "alerts_hangfire_jobs{state=\"failed\"} is missing from /metrics");
    }

    private static Dictionary<string, double> Parse(string text) =>
        Regex.Matches(text, @"^(alerts_[a-z_]+(?:\{[^}]*\})?) (\S+)$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
}
