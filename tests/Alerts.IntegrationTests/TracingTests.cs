using System.Collections.Concurrent;
using System.Diagnostics;
using Alerts.IntegrationTests.Infrastructure;
using Alerts.Observability;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Alerts.IntegrationTests;

/// <summary>
/// Production mode with tracing on and an in-memory exporter in place of OTLP: one alert is one trace,
/// from the editor's request over RabbitMQ to every push service request.
/// </summary>
public sealed class TracingTests(TracingTests.TracedFixture fixture) : IClassFixture<TracingTests.TracedFixture>
{
    public sealed class TracedFixture : ProductionModeFixture
    {
        public ConcurrentQueue<Activity> Exported { get; } = new();

        protected override void Configure(Dictionary<string, string?> settings) => settings[Telemetry.EnabledKey] = "true";

        protected override void ConfigureServices(IServiceCollection services) =>
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new SimpleActivityExportProcessor(new QueueExporter(Exported))));
    }

    private sealed class QueueExporter(ConcurrentQueue<Activity> exported) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var activity in batch) exported.Enqueue(activity);
            return ExportResult.Success;
        }
    }

    [Fact]
    public async Task An_alert_is_one_trace_from_the_api_request_through_the_consumers_to_each_push()
    {
        var readers = new[] { TestSubscriber.Create(), TestSubscriber.Create() };
        foreach (var reader in readers) await fixture.Server.SubscribeAsync(fixture.Push, reader, ["health"]);
        var title = $"Traced alert {Guid.NewGuid():N}";

        var id = await fixture.Server.Editor().SendAcceptedAlertAsync(new { title, body = "Body", url = "https://news.example/traced", sections = new[] { "health" } });
        await fixture.Server.WaitForAlertAsync(id, "done", TimeSpan.FromSeconds(30));

        var request = await WaitForAsync(() => fixture.Exported.FirstOrDefault(a =>
            IsRequest(a, "POST", "/api/alerts") && a.GetTagItem("http.response.status_code") is 202));
        Assert.True(request is not null, $"No traced POST /api/alerts; requests traced: {Describe(fixture.Exported.Where(a => a.Kind == ActivityKind.Server))}");
        var pushPort = new Uri(fixture.Push.Origin).Port;
        var pushes = await WaitForAsync(() =>
        {
            var found = InTrace(request).Where(a => a.Kind == ActivityKind.Client && Equals(a.GetTagItem("server.port"), pushPort)).ToList();
            return found.Count >= readers.Length ? found : null;
        });
        // Spans are exported when they end, parents after their children: wait until each push's chain is complete.
        await WaitForAsync(() => pushes is not null && pushes.All(p => ChainEndsAt(p, request!)) ? pushes : null);
        var trace = InTrace(request).ToList();
        var consumers = trace.Where(a => a.Source.Name == Telemetry.MassTransitSource && a.Kind == ActivityKind.Consumer).ToList();

        Assert.True(pushes is { Count: >= 2 }, $"No push requests in the alert's trace (work stored on the way, such as an outbox row, must keep Telemetry.CurrentTraceParent and resume it with Telemetry.ContinueTrace); it holds: {Describe(trace)}");
        Assert.True(consumers.Count >= 1, $"No bus consumer in the alert's trace; it holds: {Describe(trace)}");
        Assert.Contains(trace, a => a.Source.Name == Telemetry.MassTransitSource && a.Kind == ActivityKind.Producer);
        Assert.Contains(trace, a => a.Source.Name == "Npgsql");
        // Every push hangs under a consumer, and the consumers under the request: one tree, not one trace id by chance.
        var byId = trace.ToDictionary(a => a.SpanId);
        foreach (var push in pushes!)
        {
            var ancestors = Ancestors(push, byId).ToList();
            Assert.Contains(ancestors, a => a.Kind == ActivityKind.Consumer);
            Assert.Equal(request!.SpanId, ancestors.Last().SpanId);
        }
    }

    [Fact]
    public async Task Probes_and_scrapes_are_not_traced()
    {
        var client = fixture.Server.CreateClient();
        await client.GetAsync("/health/ready");
        await client.GetAsync("/metrics");
        await client.GetAsync("/api/sections");

        var sections = await WaitForAsync(() => fixture.Exported.FirstOrDefault(a => IsRequest(a, "GET", "/api/sections")));
        Assert.NotNull(sections);
        Assert.DoesNotContain(fixture.Exported, a => IsRequest(a, "GET", "/health/ready") || IsRequest(a, "GET", "/metrics"));
    }

    private static bool IsRequest(Activity activity, string method, string path) =>
        activity.Kind == ActivityKind.Server && Equals(activity.GetTagItem("http.request.method"), method) && Equals(activity.GetTagItem("url.path"), path);

    private IEnumerable<Activity> InTrace(Activity root) => fixture.Exported.Where(a => a.TraceId == root.TraceId);

    private bool ChainEndsAt(Activity push, Activity request)
    {
        var byId = InTrace(request).ToDictionary(a => a.SpanId);
        return Ancestors(push, byId).LastOrDefault()?.SpanId == request.SpanId;
    }

    private static IEnumerable<Activity> Ancestors(Activity activity, Dictionary<ActivitySpanId, Activity> byId)
    {
        var current = activity;
        while (current.ParentSpanId != default && byId.TryGetValue(current.ParentSpanId, out var parent))
        {
            yield return parent;
            current = parent;
        }
    }

    private static string Describe(IEnumerable<Activity> trace) =>
        string.Join("; ", trace.Select(a => $"{a.Source.Name}:{a.Kind}:{a.DisplayName}:{string.Join(",", a.TagObjects.Select(t => $"{t.Key}={t.Value}"))}"));

    private static async Task<T?> WaitForAsync<T>(Func<T?> probe) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } found) return found;
            await Task.Delay(100);
        }
        return probe();
    }
}
