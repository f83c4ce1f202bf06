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
                    .AddSource(MassTransitSource);
                if (exportOtlp) tracing.AddOtlpExporter();
            });
        return services;
    }
}
