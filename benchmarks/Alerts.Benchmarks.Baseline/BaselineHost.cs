using Alerts.Delivery;
using Alerts.Hosting;

namespace Alerts.Benchmarks.Baseline;

/// <summary>
/// src/Alerts.Server/Program.cs with one change: pushes go out through Lib.Net.Http.WebPush as shipped
/// (<see cref="LibNetPushSender"/>), registered after the application's services so it replaces the server's
/// <see cref="IPushSender"/>. Everything else (outbox, planner, ledger, retries, concurrency) is the server's
/// own, so the difference in the end-to-end figures is the push sender alone.
/// </summary>
internal static class BaselineHost
{
    public static async Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddApplicationServices();
        builder.Services.AddSingleton<IPushSender, LibNetPushSender>();

        var app = builder.Build();
        await app.PrepareAsync();
        app.MapApplication();
        await app.RunAsync();
        return 0;
    }
}
