using Alerts.Hosting;
using Microsoft.Extensions.Options;

namespace Alerts.Outbox;

public static class OutboxExtensions
{
    /// <summary>The outbox's options, and its relay in Worker processes (any number of them).</summary>
    public static IServiceCollection AddAlertsOutbox(this IServiceCollection services, AlertsOptions options)
    {
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.SectionKey).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>();
        services.AddSingleton<OutboxSignal>();
        if (options.Has(ServerRoles.Worker))
        {
            services.AddHostedService<OutboxRelay>();
            if (options.Storage == StorageKind.Postgres) services.AddHostedService<OutboxListener>();
        }
        return services;
    }
}
