using System.Diagnostics;

namespace Alerts.FaultTests.Infrastructure;

/// <summary>What a fault test did and saw, with the seconds since it started: to the test's output and to stdout.</summary>
public sealed class FaultLog(ITestOutputHelper output, string test)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Write(string message)
    {
        var line = $"[{_clock.Elapsed.TotalSeconds,6:0.0}s {test}] {message}";
        Console.WriteLine(line);
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished (a late callback): stdout still has it.
        }
    }
}
