using System.Diagnostics;
using System.Text;

namespace Alerts.FaultTests.Infrastructure;

/// <summary>Runs a command line tool (rabbitmqctl, pg_ctl) to its end and returns what it printed.</summary>
public static class Shell
{
    public static bool IsRoot => Environment.UserName == "root";

    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, bool check = true)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        if (environment is not null)
            foreach (var (key, value) in environment) start.Environment[key] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        process.StandardInput.Close();
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalSeconds:0} s.");
        }
        output.Append(await stdout).Append(await stderr);
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {output}");
        return output.ToString();
    }

    /// <summary>Runs as another user when this process is root (the services refuse to run as root); as is otherwise.</summary>
    public static Task<string> RunAsAsync(string user, string file, IEnumerable<string> arguments, TimeSpan timeout, bool check = true)
    {
        if (!IsRoot) return RunAsync(file, arguments, timeout, check: check);
        var command = string.Join(' ', new[] { file }.Concat(arguments).Select(Quote));
        return RunAsync("su", [user, "-s", "/bin/sh", "-c", command], timeout, check: check);
    }

    /// <summary>Runs a command to its end without awaiting (for cleanup while the test run is being stopped).</summary>
    public static void RunBlocking(string file, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start);
        if (process is not null && !process.WaitForExit(timeout)) process.Kill(entireProcessTree: true);
    }

    public static async Task ChownAsync(string user, string path)
    {
        if (IsRoot) await RunAsync("chown", ["-R", $"{user}:{user}", path], TimeSpan.FromSeconds(30));
    }

    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
