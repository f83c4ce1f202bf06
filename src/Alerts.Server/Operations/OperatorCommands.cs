namespace Alerts.Operations;

/// <summary>
/// The operator's commands, run by the same binary as the server (<c>dotnet Alerts.Server.dll VERB …</c>):
/// none of them starts the server, and only <c>migrate</c> touches the schema. Settings come from the
/// usual places (appsettings.json, environment variables, and <c>--Key=Value</c> after the operand).
/// </summary>
public static class OperatorCommands
{
    public const string Usage = """
        Usage: Alerts.Server VERB [OPERAND] [--Key=Value ...]

          generate-vapid-keys            print a new VAPID key pair as Alerts__Vapid__* lines
          migrate                        apply the store's migrations (and Hangfire's schema) and exit
          redrive-errors QUEUE           move every message of QUEUE_error back to QUEUE
          import-subscriptions FILE      import NDJSON subscribe bodies, one per line ('-' reads stdin)

        Without a verb the server starts. Exit codes: 0 done, 1 failed, 2 import finished with rejected lines.
        """;

    private static readonly Dictionary<string, Func<CommandContext, Task<int>>> Verbs = new(StringComparer.Ordinal)
    {
        ["generate-vapid-keys"] = GenerateVapidKeysCommand.RunAsync,
        ["migrate"] = MigrateCommand.RunAsync,
        ["redrive-errors"] = RedriveErrorsCommand.RunAsync,
        ["import-subscriptions"] = ImportSubscriptionsCommand.RunAsync,
        ["help"] = context => { context.Output.WriteLine(Usage); return Task.FromResult(0); },
    };

    /// <summary>True when the first argument is a verb; otherwise the arguments are the server's.</summary>
    public static bool Recognizes(string[] args) => args.Length > 0 && Verbs.ContainsKey(args[0]);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        if (!Recognizes(args))
        {
            await error.WriteLineAsync(Usage);
            return 1;
        }
        var rest = args[1..];
        var operand = rest.Length > 0 && !rest[0].StartsWith('-') ? rest[0] : null;
        var settings = operand is null ? rest : rest[1..];
        var context = new CommandContext(operand, settings, output, error, cancellationToken);
        try
        {
            return await Verbs[args[0]](context);
        }
        catch (CommandException e)
        {
            await error.WriteLineAsync($"{args[0]}: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Configuration mistakes name their key; an unreachable store or broker says where. Neither holds a secret.
            await error.WriteLineAsync($"{args[0]}: {e.Message}");
            if (e.GetBaseException() is { } cause && cause != e) await error.WriteLineAsync($"  caused by: {cause.Message}");
            return 1;
        }
    }
}

/// <summary>What a verb gets: its operand, the settings that follow it, and where to write.</summary>
public sealed record CommandContext(string? Operand, string[] Settings, TextWriter Output, TextWriter Error, CancellationToken CancellationToken)
{
    public string RequireOperand(string name) =>
        Operand ?? throw new CommandException($"{name} is required. {OperatorCommands.Usage}");
}

/// <summary>A failure the operator can act on; its message is printed as it is, without a stack trace.</summary>
public sealed class CommandException(string message) : Exception(message);
