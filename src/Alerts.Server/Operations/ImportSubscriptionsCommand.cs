using System.IO.Pipelines;
using System.Text.Json;
using Alerts.Storage;
using Alerts.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Operations;

/// <summary>
/// Imports subscriptions from an NDJSON file, one subscribe body (as POST /api/subscriptions takes it)
/// per line, through the same <see cref="SubscriptionImport"/> as POST /api/admin/subscriptions/import:
/// a known endpoint is updated, never doubled. Configure the publisher's existing VAPID keys first, or
/// the imported subscriptions cannot be delivered. Prints <c>{"imported","updated","rejected","errors":[{"line","detail"}]}</c>
/// (the first 100 errors; each also on standard error).
/// </summary>
internal static class ImportSubscriptionsCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(CommandContext context)
    {
        var file = context.RequireOperand("FILE");
        if (file != "-" && !File.Exists(file)) throw new CommandException($"There is no file {file}.");

        await using var app = CommandHost.Build(context);
        await using var scope = app.Services.CreateAsyncScope();
        await RequireMigratedStoreAsync(scope.ServiceProvider.GetRequiredService<AlertsDbContext>(), context.CancellationToken);

        await using var input = file == "-" ? Console.OpenStandardInput() : File.OpenRead(file);
        var reader = PipeReader.Create(input);
        var result = await scope.ServiceProvider.GetRequiredService<SubscriptionImport>().ImportAsync(reader, context.CancellationToken);
        await reader.CompleteAsync();

        foreach (var error in result.Errors) await context.Error.WriteLineAsync($"line {error.Line}: {error.Detail}");
        await context.Output.WriteLineAsync(JsonSerializer.Serialize(result, Json));
        return result.Rejected == 0 ? 0 : 2;
    }

    private static async Task RequireMigratedStoreAsync(AlertsDbContext db, CancellationToken cancellationToken)
    {
        if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
            throw new CommandException("The store is not migrated to this version; run the migrate command first.");
    }
}
