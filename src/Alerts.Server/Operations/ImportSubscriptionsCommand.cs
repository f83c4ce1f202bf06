using System.Text.Json;
using Alerts.Hosting;
using Alerts.Storage;
using Alerts.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Operations;

/// <summary>
/// Imports subscriptions from an NDJSON file, one subscribe body (as POST /api/subscriptions takes it)
/// per line: each line goes through the same validator and registry as the API, so an endpoint already
/// known is updated, never doubled. Configure the publisher's existing VAPID keys first, or the imported
/// subscriptions cannot be delivered. Prints <c>{"imported","updated","rejected","errors":[{"line","detail"}]}</c>.
/// </summary>
internal static class ImportSubscriptionsCommand
{
    private const int MaxErrorsListed = 1000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(CommandContext context)
    {
        var file = context.RequireOperand("FILE");
        if (file != "-" && !File.Exists(file)) throw new CommandException($"There is no file {file}.");

        await using var app = CommandHost.Build(context);
        await RequireMigratedStoreAsync(app.Services, context.CancellationToken);

        using var reader = file == "-" ? new StreamReader(Console.OpenStandardInput()) : new StreamReader(file);
        var result = await ImportAsync(reader, app.Services, context.CancellationToken);

        foreach (var error in result.Errors) await context.Error.WriteLineAsync($"line {error.Line}: {error.Detail}");
        await context.Output.WriteLineAsync(JsonSerializer.Serialize(result, Json));
        return result.Rejected == 0 ? 0 : 2;
    }

    public static async Task<ImportResult> ImportAsync(TextReader reader, IServiceProvider services, CancellationToken cancellationToken)
    {
        int imported = 0, updated = 0, rejected = 0, lineNumber = 0;
        var errors = new List<ImportError>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var detail = await ImportLineAsync(line, services, cancellationToken);
            switch (detail)
            {
                case null: imported++; break;
                case "": updated++; break;
                default:
                    rejected++;
                    if (errors.Count < MaxErrorsListed) errors.Add(new ImportError(lineNumber, detail));
                    break;
            }
        }
        return new ImportResult(imported, updated, rejected, errors);
    }

    /// <summary>Null when created, empty when an existing subscription was updated, otherwise why the line was rejected.</summary>
    private static async Task<string?> ImportLineAsync(string line, IServiceProvider services, CancellationToken cancellationToken)
    {
        SubscribeRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<SubscribeRequest>(line, Json);
        }
        catch (JsonException e)
        {
            return $"not a JSON subscribe body: {e.Message}";
        }

        // One scope per line: a fresh unit of work, as one API request would have.
        await using var scope = services.CreateAsyncScope();
        var errors = new ValidationErrors();
        var (target, preferences) = scope.ServiceProvider.GetRequiredService<SubscriptionValidator>().Validate(request, subscriptionRequired: true, errors);
        if (errors.Any) return errors.Detail;
        var result = await scope.ServiceProvider.GetRequiredService<SubscriptionRegistry>().SubscribeAsync(target!, preferences!, presentedToken: null, cancellationToken);
        return result.Outcome switch
        {
            SubscribeOutcome.Created => null,
            SubscribeOutcome.Refreshed => "",
            // An import is no way around the takeover rule: other keys for a known endpoint need its token.
            _ => "the endpoint is already subscribed with other keys; only its own token can change them",
        };
    }

    private static async Task RequireMigratedStoreAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
            throw new CommandException("The store is not migrated to this version; run the migrate command first.");
    }
}

public sealed record ImportError(int Line, string Detail);

public sealed record ImportResult(int Imported, int Updated, int Rejected, IReadOnlyList<ImportError> Errors);
