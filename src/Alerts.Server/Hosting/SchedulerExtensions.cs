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
        services.AddHangfire((sp, hangfire) =>
        {
            hangfire.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (options.Storage == StorageKind.Postgres)
                hangfire.UsePostgreSqlStorage(pg => pg.UseNpgsqlConnection(configuration[Storage.StorageExtensions.ConnectionStringKey]),
                    new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true, QueuePollInterval = TimeSpan.FromSeconds(1) });
            else
                hangfire.UseInMemoryStorage();
        });
        if (options.Has(ServerRoles.Scheduler))
            services.AddHangfireServer(server =>
            {
                server.ServerName = $"alerts-{Environment.MachineName}-{Environment.ProcessId}";
                server.WorkerCount = Math.Max(2, Environment.ProcessorCount);
                server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            });
        return services;
    }
}
