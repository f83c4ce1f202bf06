using Alerts.Hosting;

namespace Alerts.Operations;

/// <summary>
/// The server's own service registrations, built but never started: no HTTP listener, no bus, no
/// Hangfire server, no migration. Commands take what they need from it, so they validate and store
/// exactly as the server does. Logs go to standard error so standard output carries only the result.
/// </summary>
internal static class CommandHost
{
    public static WebApplication Build(CommandContext context)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = context.Settings });
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.AddApplicationServices();
        return builder.Build();
    }
}
