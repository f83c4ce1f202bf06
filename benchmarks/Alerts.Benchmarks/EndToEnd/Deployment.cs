using System.Diagnostics;
using Alerts.WebPush;
using Npgsql;

namespace Alerts.Benchmarks.EndToEnd;

/// <summary>
/// Alerts in production mode on the local PostgreSQL and RabbitMQ, in a fresh database and virtual host:
/// an Api+Scheduler process and any number of Worker processes. Disposing kills them and drops both.
/// </summary>
internal sealed class Deployment : IAsyncDisposable
{
    public const string EditorKey = "bench-editor-key-0123456789";
    public const string AdminKey = "bench-admin-key-0123456789ab";
    public const string PostgresAdmin = "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres;Pooling=false";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly Dictionary<string, string> _settings;
    private readonly Leftovers _leftovers;
    private readonly List<AlertsProcess> _workers = [];
    private readonly Report _report;
    private bool _keepLogs;

    private Deployment(string name, string logDirectory, Dictionary<string, string> settings, Leftovers leftovers, Report report)
    {
        Name = name;
        LogDirectory = logDirectory;
        _settings = settings;
        _leftovers = leftovers;
        _report = report;
    }

    public string Name { get; }
    public string LogDirectory { get; }
    public AlertsProcess Api { get; private set; } = null!;
    public IReadOnlyList<AlertsProcess> Workers => _workers;
    public IEnumerable<AlertsProcess> Processes => _workers.Prepend(Api);
    public string StoreConnectionString => $"Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database={Name};Pooling=false;Command Timeout=600";

    public static async Task<Deployment> StartAsync(
        string label, ServerBinaries binaries, PushSink sink, VapidKeys vapid, string runDirectory, Leftovers leftovers, Report report,
        CancellationToken cancellationToken)
    {
        var name = $"alerts_bench_{label}_{Guid.NewGuid():N}"[..32].ToLowerInvariant();
        var logDirectory = Path.Combine(runDirectory, name);
        Directory.CreateDirectory(logDirectory);
        var settings = new Dictionary<string, string>
        {
            ["Alerts:Transport"] = "RabbitMq",
            ["ConnectionStrings:RabbitMq"] = $"amqp://guest:guest@127.0.0.1:5672/{name}",
            ["Alerts:Storage"] = "Postgres",
            ["ConnectionStrings:Alerts"] = $"Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database={name}",
            ["Alerts:Vapid:Subject"] = "mailto:bench@example.com",
            ["Alerts:Vapid:PublicKey"] = vapid.PublicKey,
            ["Alerts:Vapid:PrivateKey"] = vapid.PrivateKey,
            // A plain-http origin listed explicitly is the one way to let pushes go to a loopback push service.
            ["Alerts:Push:AllowedOrigins:0"] = sink.Origin,
            ["Alerts:ApiKeys:0:Name"] = "bench-desk",
            ["Alerts:ApiKeys:0:Key"] = EditorKey,
            ["Alerts:ApiKeys:0:Role"] = "Editor",
            ["Alerts:ApiKeys:1:Name"] = "bench-ops",
            ["Alerts:ApiKeys:1:Key"] = AdminKey,
            ["Alerts:ApiKeys:1:Role"] = "Admin",
            ["Alerts:RateLimits:SubscribePerMinute"] = "1000000",
            ["Alerts:RateLimits:FailedAuthPerMinute"] = "1000000",
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:Console:FormatterOptions:SingleLine"] = "true",
            ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss.fff ",
        };
        var deployment = new Deployment(name, logDirectory, settings, leftovers, report);
        try
        {
            leftovers.Add("database", name);
            await using (var admin = new NpgsqlConnection(PostgresAdmin))
            {
                await admin.OpenAsync(cancellationToken);
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            leftovers.Add("vhost", name);
            await RabbitMqCtlAsync(["add_vhost", name], cancellationToken);
            await RabbitMqCtlAsync(["set_permissions", "-p", name, "guest", ".*", ".*", ".*"], cancellationToken);

            // The API first: it migrates the store; workers start once it is ready.
            deployment.Api = AlertsProcess.Start("api", binaries.Server, With(settings, "Alerts:Roles", "Api,Scheduler"), logDirectory, leftovers);
            await deployment.Api.WaitUntilReadyAsync(StartTimeout, cancellationToken);
            report.Progress($"deployment {name}: api pid {deployment.Api.Id} on {deployment.Api.Address}; logs in {logDirectory}");
            return deployment;
        }
        catch
        {
            deployment._keepLogs = true;
            await deployment.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a Worker process from <paramref name="dll"/> (Alerts.Server, or the baseline host) and waits until it is ready.</summary>
    public async Task<AlertsProcess> AddWorkerAsync(string dll, CancellationToken cancellationToken)
    {
        var worker = AlertsProcess.Start($"worker-{_workers.Count + 1}-{Path.GetFileNameWithoutExtension(dll)}", dll,
            With(_settings, "Alerts:Roles", "Worker"), LogDirectory, _leftovers);
        _workers.Add(worker);
        try
        {
            await worker.WaitUntilReadyAsync(StartTimeout, cancellationToken);
        }
        catch
        {
            _keepLogs = true;
            throw;
        }
        _report.Progress($"{worker.Name}: pid {worker.Id}");
        return worker;
    }

    /// <summary>Stops every worker (SIGTERM, as a rolling update does).</summary>
    public async Task StopWorkersAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.StopAsync(TimeSpan.FromSeconds(30));
            await worker.DisposeAsync();
        }
        _workers.Clear();
    }

    public void KeepLogs() => _keepLogs = true;

    public async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(StoreConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(StoreConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Processes.Where(p => p is not null)) await process.DisposeAsync();
        // Cleaning up must happen even when the run was cancelled: no token here, bounded waits instead.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await using var admin = new NpgsqlConnection(PostgresAdmin);
            await admin.OpenAsync(limit.Token);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync(limit.Token);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException)
        {
            _report.Progress($"could not drop database {Name}: {e.Message}");
        }
        try
        {
            await RabbitMqCtlAsync(["delete_vhost", Name], limit.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            _report.Progress($"could not delete vhost {Name}: {e.Message}");
        }
        if (!_keepLogs)
        {
            try { Directory.Delete(LogDirectory, recursive: true); } catch (IOException) { }
        }
        else
        {
            _report.Progress($"process logs kept in {LogDirectory}");
        }
    }

    private static Dictionary<string, string> With(Dictionary<string, string> settings, string key, string value) => new(settings) { [key] = value };

    private static async Task RabbitMqCtlAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start rabbitmqctl.");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(limit.Token);
        var error = process.StandardError.ReadToEndAsync(limit.Token);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
    }
}

/// <summary>The Release builds the deployment starts.</summary>
internal sealed record ServerBinaries(string Server, string? Baseline)
{
    public static ServerBinaries Find(string repositoryRoot)
    {
        var server = Path.Combine(repositoryRoot, "src/Alerts.Server/bin/Release/net10.0/Alerts.Server.dll");
        if (!File.Exists(server)) throw new FileNotFoundException($"{server} is missing: build it first (benchmarks/run.sh does: dotnet build -c Release).");
        var baseline = Path.Combine(repositoryRoot, "benchmarks/Alerts.Benchmarks.Baseline/bin/Release/net10.0/Alerts.Benchmarks.Baseline.dll");
        return new ServerBinaries(server, File.Exists(baseline) ? baseline : null);
    }
}
