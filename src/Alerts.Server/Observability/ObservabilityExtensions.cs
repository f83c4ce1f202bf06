using Alerts.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Prometheus;

namespace Alerts.Observability;

public static class ObservabilityExtensions
{
    /// <summary>Traces, the Hangfire readiness check (Scheduler role) and the metrics read from the store.</summary>
    public static IServiceCollection AddAlertsObservability(this IServiceCollection services, IConfiguration configuration, AlertsOptions options)
    {
        services.AddAlertsTelemetry(configuration);
        if (options.Has(ServerRoles.Scheduler))
        {
            services.AddHealthChecks().AddCheck<HangfireHealthCheck>(HangfireHealthCheck.Name, tags: ["ready"]);
            services.AddHostedService<StoreMetrics>();
        }
        return services;
    }

    /// <summary>/health/live (the process answers), /health/ready (its dependencies, as JSON) and /metrics.</summary>
    public static IEndpointRouteBuilder MapAlertsOperations(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = HealthReportWriter.WriteAsync,
        });
        app.MapMetrics("/metrics");
        return app;
    }
}
