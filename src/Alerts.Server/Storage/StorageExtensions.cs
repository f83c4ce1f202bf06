using Alerts.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Alerts.Storage;

public static class StorageExtensions
{
    public const string ConnectionStringKey = "ConnectionStrings:Alerts";
    private const string DefaultSqlite = "Data Source=data/alerts.db";

    public static IServiceCollection AddAlertsStorage(this IServiceCollection services, IConfiguration configuration, AlertsOptions options)
    {
        var connectionString = configuration[ConnectionStringKey];
        if (options.Storage == StorageKind.Postgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException($"Configuration key '{ConnectionStringKey}' is required when Alerts:Storage is Postgres.");
            services.AddDbContext<PostgresAlertsDbContext>(db => ConfigurePostgres(db, connectionString));
            services.AddScoped<AlertsDbContext>(sp => sp.GetRequiredService<PostgresAlertsDbContext>());
        }
        else
        {
            var sqlite = PrepareSqlite(string.IsNullOrWhiteSpace(connectionString) ? DefaultSqlite : connectionString);
            services.AddDbContext<SqliteAlertsDbContext>(db => ConfigureSqlite(db, sqlite));
            services.AddScoped<AlertsDbContext>(sp => sp.GetRequiredService<SqliteAlertsDbContext>());
        }
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        return services;
    }

    internal static void ConfigurePostgres(DbContextOptionsBuilder db, string connectionString) =>
        db.UseNpgsql(connectionString, npgsql => npgsql.EnableRetryOnFailure(3));

    internal static void ConfigureSqlite(DbContextOptionsBuilder db, string connectionString) =>
        db.UseSqlite(connectionString);

    /// <summary>Creates the data folder and gives SQLite a generous busy timeout: workers write concurrently.</summary>
    private static string PrepareSqlite(string connectionString)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"Configuration key '{ConnectionStringKey}' is not a valid SQLite connection string: {e.Message}", e);
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        if (builder.DefaultTimeout < 60) builder.DefaultTimeout = 60;
        builder.Pooling = true;
        return builder.ToString();
    }

    /// <summary>Applies migrations at start-up. Replicas may start together: EF Core takes a migration lock.</summary>
    public static async Task MigrateAlertsStoreAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Alerts.Storage");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await db.Database.MigrateAsync(cancellationToken);
                if (db is SqliteAlertsDbContext)
                    await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
                return;
            }
            catch (Exception e) when (attempt < 10 && db is PostgresAlertsDbContext && e is not OperationCanceledException)
            {
                // PostgreSQL may still be starting next to us (compose, Kubernetes): wait rather than crash-loop.
                logger.LogWarning("The store is not reachable yet ({Message}); retrying ({Attempt}/10)", e.Message, attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt * 2, 10)), cancellationToken);
            }
        }
    }
}

internal sealed class StoreHealthCheck(AlertsDbContext db) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    public async Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy()
            : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("The store cannot be reached.");
}

/// <summary>Lets `dotnet ef migrations add` build each provider's context without the host.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAlertsDbContext>
{
    public PostgresAlertsDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<PostgresAlertsDbContext>();
        StorageExtensions.ConfigurePostgres(builder, "Host=127.0.0.1;Database=alerts;Username=postgres;Password=postgres");
        return new PostgresAlertsDbContext(builder.Options);
    }
}

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAlertsDbContext>
{
    public SqliteAlertsDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<SqliteAlertsDbContext>();
        StorageExtensions.ConfigureSqlite(builder, "Data Source=design.db");
        return new SqliteAlertsDbContext(builder.Options);
    }
}
