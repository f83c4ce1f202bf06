using System.Diagnostics;
using Npgsql;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Alerts.Observability;

/// <summary>
/// OpenTelemetry traces: an alert's path from the API request through the bus consumers (MassTransit
/// carries the trace context in each message's headers, over RabbitMQ or in memory) to every push
/// service request, plus the store's SQL. Exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set
/// (the standard OTEL_* variables configure the rest); with no endpoint and Alerts:Tracing:Enabled
/// unset, nothing is traced and nothing is paid for.
/// </summary>
public static class Telemetry
{
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string EnabledKey = "Alerts:Tracing:Enabled";
    public const string MassTransitSource = "MassTransit";

    /// <summary>The service's own spans, for work that leaves a trace and picks it up later.</summary>
    public const string SourceName = "Alerts";
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The current trace as a W3C traceparent, to keep with work that waits in the store (an outbox row).</summary>
    public static string? CurrentTraceParent =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>
    /// Starts a span under a stored traceparent, so that work picked up later (an outbox row published
    /// by the relay) joins the trace of the request that stored it. Null when nothing is listening.
    /// </summary>
    public static Activity? ContinueTrace(string name, string? traceParent, ActivityKind kind = ActivityKind.Producer) =>
        ActivityContext.TryParse(traceParent, null, out var parent)
            ? Source.StartActivity(name, kind, parent)
            : Source.StartActivity(name, kind);

    public static IServiceCollection AddAlertsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var exportOtlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);
        if (!exportOtlp && !configuration.GetValue<bool>(EnabledKey)) return services;

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: configuration["OTEL_SERVICE_NAME"] ?? "alerts",
                serviceVersion: typeof(Telemetry).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing =>
            {
                tracing
                    .AddAspNetCoreInstrumentation(aspNetCore =>
                        // Probes and scrapes every few seconds would drown the traces that matter.
                        aspNetCore.Filter = http => !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments("/metrics"))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
                    .AddSource(MassTransitSource, SourceName);
                if (exportOtlp) tracing.AddOtlpExporter();
            });
        return services;
    }
}
