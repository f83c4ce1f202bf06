using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Alerts.FaultTests.Infrastructure;

/// <summary>
/// What a fault test run must never leave behind: server processes, its RabbitMQ node, its PostgreSQL
/// cluster. Normally each is stopped when disposed; these are the last resorts: cleanup actions run when
/// the run itself is stopped (SIGTERM, SIGINT) or exits without disposing, and at the start of a run
/// the leftovers of an earlier run that was killed outright (SIGKILL) are found and stopped.
/// </summary>
public static partial class Leftovers
{
    private static readonly ConcurrentDictionary<object, Action> Actions = new();
    private static readonly PosixSignalRegistration[] Signals;

    static Leftovers()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RunAll();
        // Kept in a static field: a collected registration stops listening.
        Signals =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => RunAll()),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => RunAll()),
        ];
    }

    /// <summary>Runs <paramref name="cleanup"/> if the run stops before the returned handle is disposed.</summary>
    public static IDisposable OnAbort(Action cleanup)
    {
        var key = new object();
        Actions[key] = cleanup;
        return new Registration(key);
    }

    /// <summary>Stops what an earlier run that died (its test host's pid is gone) left running, and removes its directories.</summary>
    public static async Task ReapAsync(Action<string> log)
    {
        var temp = Path.GetTempPath();
        foreach (var directory in Directory.GetDirectories(temp, "alerts-faults-rabbitmq-*"))
        {
            var nodes = Directory.Exists(Path.Combine(directory, "mnesia"))
                ? Directory.GetDirectories(Path.Combine(directory, "mnesia")).Select(Path.GetFileName).Select(n => NodeName().Match(n ?? "")).Where(m => m.Success).ToList()
                : [];
            var owner = nodes.Count > 0 ? int.Parse(nodes[0].Groups[1].Value) : ReadOwner(directory);
            if (owner is null || IsAlive(owner.Value)) continue;
            foreach (var node in nodes)
                await Shell.RunAsync("rabbitmqctl", ["-n", node.Value, "shutdown"], TimeSpan.FromSeconds(60), check: false);
            log($"stopped the RabbitMQ node of an earlier run (pid {owner}) and removed {directory}");
            Delete(directory);
        }

        foreach (var directory in Directory.GetDirectories(temp, "alerts-faults-postgres-*"))
        {
            var owner = ReadOwner(directory);
            if (owner is null || IsAlive(owner.Value)) continue;
            var pgCtl = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pg_ctl")).FirstOrDefault(File.Exists);
            if (pgCtl is not null && Directory.Exists(Path.Combine(directory, "data")))
                await Shell.RunAsAsync("postgres", pgCtl, ["-D", Path.Combine(directory, "data"), "-m", "immediate", "-w", "stop"], TimeSpan.FromSeconds(60), check: false);
            log($"stopped the PostgreSQL cluster of an earlier run (pid {owner}) and removed {directory}");
            Delete(directory);
        }

        // Server processes of this build whose test host is gone have been handed to init (parent pid 1).
        foreach (var proc in Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                var commandLine = (await File.ReadAllTextAsync(Path.Combine(proc, "cmdline"))).Replace('\0', ' ');
                if (!commandLine.Contains(ServerProcess.ServerDll, StringComparison.Ordinal)) continue;
                var parent = File.ReadLines(Path.Combine(proc, "status")).FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal));
                if (parent is null || int.Parse(parent["PPid:".Length..].Trim()) != 1) continue;
                var pid = int.Parse(Path.GetFileName(proc));
                using var orphan = Process.GetProcessById(pid);
                orphan.Kill();
                log($"killed server process {pid} left by an earlier run");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone meanwhile, or not ours to read.
            }
        }
    }

    /// <summary>Marks a directory as this run's, for <see cref="ReapAsync"/>.</summary>
    public static void MarkOwned(string directory) =>
        File.WriteAllText(Path.Combine(directory, "owner.pid"), Environment.ProcessId.ToString());

    private static int? ReadOwner(string directory)
    {
        var file = Path.Combine(directory, "owner.pid");
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var pid) ? pid : null;
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    private static void Delete(string directory)
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static void RunAll()
    {
        foreach (var key in Actions.Keys)
        {
            if (!Actions.TryRemove(key, out var action)) continue;
            try
            {
                action();
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception or TimeoutException)
            {
                Console.Error.WriteLine($"Cleanup after an aborted fault test run failed: {e.Message}");
            }
        }
    }

    [GeneratedRegex(@"^alerts-faults-(\d+)(-[a-z0-9]+)?@localhost$")]
    private static partial Regex NodeName();

    private sealed class Registration(object key) : IDisposable
    {
        public void Dispose() => Actions.TryRemove(key, out _);
    }
}
