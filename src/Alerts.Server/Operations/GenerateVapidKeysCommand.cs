using Alerts.WebPush;

namespace Alerts.Operations;

/// <summary>
/// Prints a new VAPID key pair as environment lines, ready for a secret or an .env file. Nothing is
/// stored: a server uses the pair only once it is configured, and changing the pair of a live service
/// loses every subscription (browsers bind each subscription to the public key).
/// </summary>
internal static class GenerateVapidKeysCommand
{
    public static async Task<int> RunAsync(CommandContext context)
    {
        var keys = VapidKeys.Generate();
        await context.Output.WriteLineAsync($"Alerts__Vapid__PublicKey={keys.PublicKey}");
        await context.Output.WriteLineAsync($"Alerts__Vapid__PrivateKey={keys.PrivateKey}");
        await context.Error.WriteLineAsync(
            "Keep the private key secret and keep this pair for the life of the service: a new pair makes every existing subscription undeliverable.");
        return 0;
    }
}
