using Alerts.Hosting;

namespace Alerts.Benchmarks.Baseline;

/// <summary>
/// src/Alerts.Server/Program.cs with one change: pushes go out through Lib.Net.Http.WebPush as shipped
/// (<see cref="LibNetPushSender"/>), registered after the application's services so it replaces theirs.
/// Everything else (outbox, planner, ledger, retries) is the server's own, so the difference in the
/// end-to-end figures is the push sender alone.
/// </summary>
internal static class BaselineHost
{
    public const int BuiltWithoutSeam = 3;

    public static async Task<int> Main(string[] args)
    {
#if PUSH_SENDER_SEAM
        var builder = WebApplication.CreateBuilder(args);
        builder.AddApplicationServices();
        builder.Services.AddSingleton<Alerts.Delivery.IPushSender, LibNetPushSender>();

        var app = builder.Build();
        await app.PrepareAsync();
        app.MapApplication();
        await app.RunAsync();
        return 0;
#else
        await Console.Error.WriteLineAsync(
            "This baseline host was built without Alerts.Delivery.IPushSender (src/Alerts.Server/Delivery/IPushSender.cs); " +
            "it cannot replace the server's push sender. Build it again once the seam is on main (or with -p:PushSenderSeam=true).");
        _ = typeof(ApplicationExtensions);
        _ = args;
        return BuiltWithoutSeam;
#endif
    }
}
