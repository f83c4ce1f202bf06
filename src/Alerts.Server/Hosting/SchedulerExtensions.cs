using Hangfire;
using Hangfire.PostgreSql;

namespace Alerts.Hosting;

public static class SchedulerExtensions
{
    /// <summary>
    /// Hangfire runs scheduled work (digests, alerts with sendAt). PostgreSQL storage in production, so
    /// any number of Scheduler replicas share one set of jobs; in memory for the embedded mode.
    /// </summary>
    public static IServiceCollection AddAlertsScheduler(this IServiceCollection services, IConfiguration configuration, AlertsOptions options)
    {
        // This host's own storage and job activator, registered before AddHangfire (which only adds them when
        // missing), so that clients, servers and jobs never go through Hangfire's process-wide JobStorage.Current:
        // several hosts in one process (tests, side-by-side roles) each keep their own store and services.
        services.AddSingleton<JobStorage>(_ => options.Storage == StorageKind.Postgres
            ? CreatePostgresStorage(configuration[Storage.StorageExtensions.ConnectionStringKey]!)
            : new Hangfire.InMemory.InMemoryStorage());
        services.AddSingleton<JobActivator>(sp => new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, hangfire) => hangfire
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogProvider(sp.GetRequiredService<ILoggerFactory>()))
            .UseStorage(sp.GetRequiredService<JobStorage>()));
        if (options.Has(ServerRoles.Scheduler))
            services.AddHangfireServer(server =>
            {
                server.ServerName = Observability.HangfireHealthCheck.ServerNamePrefix;
                server.WorkerCount = Math.Max(2, Environment.ProcessorCount);
                server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            });
        return services;
    }

    private static PostgreSqlStorage CreatePostgresStorage(string connectionString)
    {
        var storageOptions = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true, QueuePollInterval = TimeSpan.FromSeconds(1) };
        return new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(connectionString, storageOptions), storageOptions);
    }
}
