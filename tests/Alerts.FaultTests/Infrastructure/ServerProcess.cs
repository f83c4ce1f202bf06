using System.Diagnostics;
using System.Net.Http.Headers;

namespace Alerts.FaultTests.Infrastructure;

/// <summary>
/// One Alerts.Server process (<c>dotnet Alerts.Server.dll</c>) configured by environment variables, as
/// an operator runs it, on its own loopback port; stdout and stderr go to a log file.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const int MaxLineLength = 300;
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private IDisposable? _killOnAbort;

    private ServerProcess(string name, Process process, Uri address, string logPath, StreamWriter log)
    {
        Name = name;
        _process = process;
        Address = address;
        LogPath = logPath;
        _log = log;
    }

    public string Name { get; }
    public Uri Address { get; }
    public string LogPath { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "Alerts.Server.dll");

    public static ServerProcess Start(string name, IReadOnlyDictionary<string, string> settings, string logDirectory, int? port = null)
    {
        var address = new Uri($"http://127.0.0.1:{port ?? FreePort.Next()}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(ServerDll);
        start.Environment["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/');
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_gcServer"] = "0";
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        Directory.CreateDirectory(logDirectory);
        var logPath = Path.Combine(logDirectory, $"{name}.log");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ServerProcess(name, process, address, logPath, log);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data is null ? null : "stderr: " + e.Data);
        server.Append($"--- started {DateTime.UtcNow:O} on {address}");
        process.Start();
        // A test run that is itself stopped must not leave servers behind.
        server._killOnAbort = Leftovers.OnAbort(() => process.Kill(entireProcessTree: true));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>Waits for 200 on /health/ready (the store and the bus are reachable).</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = Client();
        client.Timeout = TimeSpan.FromSeconds(5);
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before it was ready.\n{Tail()}");
            try
            {
                using var response = await client.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode) return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{Name} was not ready within {timeout.TotalSeconds:0} s ({last}).\n{Tail()}");
    }

    /// <summary>SIGKILL: the process dies at once, whatever it was doing.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        Append($"--- SIGKILL {DateTime.UtcNow:O}");
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as an orchestrator stops a replica; waits for the process to exit on its own.</summary>
    /// <returns>True when it exited within the timeout (it is killed otherwise).</returns>
    public async Task<bool> TerminateAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return true;
        Append($"--- SIGTERM {DateTime.UtcNow:O}");
        await Shell.RunAsync("kill", ["-TERM", _process.Id.ToString()], TimeSpan.FromSeconds(10));
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            Append($"--- exited with {_process.ExitCode} {DateTime.UtcNow:O}");
            return true;
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            return false;
        }
    }

    /// <summary>The last lines the process wrote.</summary>
    public string Tail(int lines = 25)
    {
        lock (_logLock) _log.Flush();
        string[] all;
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            all = reader.ReadToEnd().Split('\n');
        }
        catch (IOException e)
        {
            return $"(could not read {LogPath}: {e.Message})";
        }
        // Exceptions are logged on one line: long lines are cut, the file has them whole.
        var tail = all.TakeLast(lines).Select(line => line.Length > MaxLineLength ? line[..MaxLineLength] + " …" : line);
        return $"--- last {lines} lines of {Name} ({LogPath}):\n" + string.Join('\n', tail);
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
            // Never started or already gone.
        }
        finally
        {
            _killOnAbort?.Dispose();
            _process.Dispose();
            lock (_logLock) _log.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_logLock)
        {
            try { _log.WriteLine(line); } catch (ObjectDisposedException) { }
        }
    }
}
