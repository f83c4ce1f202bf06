using Alerts.Hosting;
using Alerts.Storage;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Operations;

/// <summary>
/// Applies the store's migrations and exits: a Kubernetes Job or init container runs it before a new
/// version's pods start. With PostgreSQL it also creates Hangfire's schema. Safe to run again.
/// </summary>
internal static class MigrateCommand
{
    public static async Task<int> RunAsync(CommandContext context)
    {
        await using var app = CommandHost.Build(context);
        var options = app.Services.GetRequiredService<AlertsOptions>();
        IReadOnlyList<string> pending;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
            pending = (await PendingAsync(db, context.CancellationToken)).ToList();
        }

        await app.Services.MigrateAlertsStoreAsync(context.CancellationToken);
        if (options.Storage == StorageKind.Postgres)
        {
            // Hangfire.PostgreSql creates or upgrades its schema when its storage is first made.
            _ = app.Services.GetRequiredService<JobStorage>();
        }

        await context.Output.WriteLineAsync(pending.Count == 0
            ? $"The {options.Storage} store is up to date."
            : $"Applied {pending.Count} migration(s) to the {options.Storage} store: {string.Join(", ", pending)}.");
        return 0;
    }

    private static async Task<IEnumerable<string>> PendingAsync(AlertsDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            return await db.Database.GetPendingMigrationsAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The store may still be starting; MigrateAlertsStoreAsync waits for it. Report every migration as pending.
            return db.Database.GetMigrations();
        }
    }
}
