using Alerts.Hosting;

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
}
