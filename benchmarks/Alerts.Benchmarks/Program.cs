using System.Runtime.InteropServices;
using Alerts.Benchmarks;
using Alerts.Benchmarks.EndToEnd;
using Alerts.Benchmarks.PerCore;

// benchmarks/run.sh builds Release and runs this; see README "Benchmark".
var root = AppContext.BaseDirectory;
while (!File.Exists(Path.Combine(root, "Alerts.sln"))) root = Path.GetDirectoryName(root.TrimEnd('/')) ?? throw new InvalidOperationException("Alerts.sln not found above " + AppContext.BaseDirectory);

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args, root);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 64;
}

// Ctrl-C and the run's own timeout (SIGTERM) cancel the run, so every process, database and vhost is removed.
using var stop = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

var report = new Report();
report.Text(Machine.Describe(options));
try
{
    if (options.PerCore) await PerCoreBenchmark.RunAsync(options, report, stop.Token);
    if (options.EndToEnd) await EndToEndBenchmark.RunAsync(options, report, stop.Token);
    report.Text($"\nLoad average at the end: {Machine.LoadAverage()}");
    return 0;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    report.Progress("stopped; cleaned up");
    return 130;
}
catch (Exception e)
{
    report.Progress($"failed: {e}");
    return 1;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
