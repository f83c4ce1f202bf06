using System.Globalization;
using System.Runtime.InteropServices;

namespace Alerts.Benchmarks;

/// <summary>The date, the machine and how loaded it was: the figures mean little without them.</summary>
internal static class Machine
{
    public static string Describe(BenchmarkOptions options)
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"# Alerts benchmark, {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC\n\n" +
               $"Machine: {Environment.ProcessorCount} cores ({cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}), {RuntimeInformation.OSDescription}, " +
               $"{RuntimeInformation.FrameworkDescription}; load average at the start {LoadAverage()}. " +
               $"Main audience {options.Subscribers:N0} readers, {options.KeyPool:N0} subscriber key pairs.";
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
