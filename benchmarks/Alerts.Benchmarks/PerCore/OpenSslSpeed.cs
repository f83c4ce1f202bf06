using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Alerts.Benchmarks.PerCore;

/// <summary>
/// <c>openssl speed -seconds S ecdhp256</c>: P-256 key agreements per second of CPU on one core. Every
/// push needs one (the sender's fresh key with the subscriber's key), so this is the floor of a push's cost.
/// </summary>
internal static partial class OpenSslSpeed
{
    public static async Task<(double OpsPerSecond, string Version)?> EcdhP256Async(int seconds, CancellationToken cancellationToken)
    {
        var output = await RunAsync(["speed", "-seconds", seconds.ToString(CultureInfo.InvariantCulture), "ecdhp256"], TimeSpan.FromSeconds(seconds + 30), cancellationToken);
        var version = (await RunAsync(["version"], TimeSpan.FromSeconds(10), cancellationToken))?.Trim() ?? "openssl";
        if (output is null) return null;
        // " 256 bits ecdh (nistp256)   0.0000s  22000.0"
        var match = EcdhLine().Match(output);
        return match.Success ? (double.Parse(match.Groups["ops"].Value, CultureInfo.InvariantCulture), version) : null;
    }

    private static async Task<string?> RunAsync(string[] arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            var read = process.StandardOutput.ReadToEndAsync(limit.Token);
            _ = process.StandardError.ReadToEndAsync(limit.Token);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                throw;
            }
            return process.ExitCode == 0 ? await read : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [GeneratedRegex(@"ecdh \(nistp256\)\s+[\d.]+s\s+(?<ops>[\d.]+)")]
    private static partial Regex EcdhLine();
}
