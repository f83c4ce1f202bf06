namespace Alerts.FaultTests.Infrastructure;

/// <summary>
/// Runs one fault scenario: starts the deployment, runs the test's steps, prints the processes' last
/// log lines when something fails, and always stops every process and restores the services.
/// </summary>
[Collection(FaultCollection.Name)]
public abstract class FaultScenario(PrivateServices services, ITestOutputHelper output)
{
    /// <summary>Readers per scenario: 12 batches of <see cref="AlertsDeployment.BatchSize"/>.</summary>
    public const int ReaderCount = 3000;

    /// <summary>How long a fan-out may take to finish once the fault is over.</summary>
    protected static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(150);

    /// <summary>How long to wait for the first quarter of the readers before injecting a fault.</summary>
    protected static readonly TimeSpan ProgressTimeout = TimeSpan.FromSeconds(60);

    protected PrivateServices Services => services;

    protected async Task InProductionModeAsync(string scenario, Func<AlertsDeployment, Task> steps, int workers = 2, IPrivateBroker? broker = null)
    {
        var log = new FaultLog(output, scenario);
        await using var deployment = await AlertsDeployment.StartProductionAsync(services, log, workers, broker);
        await RunAsync(deployment, steps);
    }

    protected async Task InEmbeddedModeAsync(string scenario, Func<AlertsDeployment, Task> steps)
    {
        var log = new FaultLog(output, scenario);
        await using var deployment = await AlertsDeployment.StartEmbeddedAsync(log);
        await RunAsync(deployment, steps);
    }

    private static async Task RunAsync(AlertsDeployment deployment, Func<AlertsDeployment, Task> steps)
    {
        try
        {
            await steps(deployment);
            deployment.KeepLogs = false;
        }
        catch (Exception e)
        {
            deployment.Log.Write($"FAILED: {e.GetType().Name}: {e.Message}");
            deployment.PrintLogTails();
            throw;
        }
    }
}
