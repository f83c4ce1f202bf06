using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Alerts.Benchmarks.EndToEnd;

/// <summary>
/// One Alerts.Server process (<c>dotnet Alerts.Server.dll</c>, or the baseline host) configured by
/// environment variables as an operator runs it, on its own loopback port, its output in a log file.
/// Reads its CPU time and peak memory from /proc and its push counters from /metrics.
/// </summary>
internal sealed class AlertsProcess : IAsyncDisposable
{
    private static readonly double ClockTicksPerSecond = 100; // USER_HZ: 100 on Linux for every architecture .NET runs on
    private readonly Process _process;

    private AlertsProcess(string name, Process process, Uri address, string logPath)
    {
        Name = name;
        _process = process;
        Address = address;
        LogPath = logPath;
    }

    public string Name { get; }
    public Uri Address { get; }
    public string LogPath { get; }
    public int Id => _process.Id;

    public static AlertsProcess Start(string name, string dll, IReadOnlyDictionary<string, string> settings, string logDirectory, Leftovers leftovers)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var logPath = Path.Combine(logDirectory, $"{name}.log");
        // exec: the shell becomes dotnet, so the process id is the server's own (for /proc and for killing it).
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)! };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec dotnet \"$0\" >>\"$1\" 2>&1");
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add(logPath);
        start.Environment["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/');
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {dll}.");
        leftovers.Add("pid", process.Id.ToString(CultureInfo.InvariantCulture));
        return new AlertsProcess(name, process, address, logPath);
    }

    public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(120) };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>Waits for 200 on /health/ready (the store and the bus are reachable).</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var client = Client();
        client.Timeout = TimeSpan.FromSeconds(5);
        var deadline = Stopwatch.StartNew();
        var last = "no answer";
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before it was ready.\n{Tail()}");
            try
            {
                using var response = await client.GetAsync("/health/ready", cancellationToken);
                if (response.IsSuccessStatusCode) return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = e.Message;
            }
            await Task.Delay(250, cancellationToken);
        }
        throw new TimeoutException($"{Name} was not ready within {timeout.TotalSeconds:0} s ({last}).\n{Tail()}");
    }

    /// <summary>utime + stime so far, in seconds (/proc/PID/stat).</summary>
    public double CpuSeconds()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{Id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After the command name: field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    /// <summary>Peak resident memory (VmHWM in /proc/PID/status), in kB.</summary>
    public long PeakRssKilobytes()
    {
        try
        {
            var line = File.ReadLines($"/proc/{Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The sum of <c>alerts_push_results_total{outcome="sent"}</c> over every host label, from /metrics.</summary>
    public async Task<double> PushesSentAsync(CancellationToken cancellationToken)
    {
        using var client = Client();
        client.Timeout = TimeSpan.FromSeconds(10);
        var text = await client.GetStringAsync("/metrics", cancellationToken);
        double sent = 0;
        foreach (var line in text.Split('\n'))
            if (line.StartsWith("alerts_push_results_total{", StringComparison.Ordinal) && line.Contains("outcome=\"sent\"", StringComparison.Ordinal))
                sent += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        return sent;
    }

    /// <summary>SIGTERM, as an orchestrator stops a replica; SIGKILL when it has not exited within the timeout.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return;
        using var kill = Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public string Tail(int lines = 20)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return $"--- last {lines} lines of {Name} ({LogPath}):\n" + string.Join('\n', all.TakeLast(lines).Select(l => l.Length > 300 ? l[..300] + " …" : l));
        }
        catch (IOException e)
        {
            return $"(could not read {LogPath}: {e.Message})";
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
