using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Alerts.FaultTests.Infrastructure;

/// <summary>
/// The service as separate processes on loopback, with a fake push service in the test process:
/// production mode (an API process and worker processes on the private RabbitMQ node and PostgreSQL
/// cluster, each test with its own virtual host and database) or embedded mode (one process, SQLite,
/// in-memory bus). Disposing kills every process and removes what the test created.
/// </summary>
public sealed class AlertsDeployment : IAsyncDisposable
{
    public const int BatchSize = 250;
    /// <summary>Pushes in flight per worker: with the push service's latency, a fan-out of thousands lasts seconds, long enough to break it mid-way.</summary>
    public const int MaxConcurrency = 8;
    public static readonly TimeSpan PushLatency = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly List<ServerProcess> _workers = [];
    private readonly PrivateServices? _services;
    private readonly IPrivateBroker? _broker;
    private readonly string _name;
    private readonly string _directory;
    private readonly Dictionary<string, string> _settings;
    private HttpClient _editor;

    private AlertsDeployment(FaultLog log, FakePushService push, PrivateServices? services, IPrivateBroker? broker, string name, string directory,
        Dictionary<string, string> settings, ServerProcess api)
    {
        Log = log;
        Push = push;
        _services = services;
        _broker = broker;
        _name = name;
        _directory = directory;
        _settings = settings;
        Api = api;
        _editor = api.Client(AlertsServer.EditorKey);
    }

    public FaultLog Log { get; }
    /// <summary>Keep the processes' logs after disposing (set when the scenario failed, to read them).</summary>
    public bool KeepLogs { get; set; } = true;
    public FakePushService Push { get; }
    /// <summary>The process that answers the HTTP API (in embedded mode, the only one).</summary>
    public ServerProcess Api { get; private set; }
    public IReadOnlyList<ServerProcess> Workers => _workers;
    public string Database => _name;

    /// <summary>
    /// An API process (Api, Scheduler) and <paramref name="workers"/> worker processes on RabbitMQ and PostgreSQL:
    /// the private node, or <paramref name="broker"/> (a cluster) when given. Work queues are RabbitMQ's
    /// quorum queues (the service's default).
    /// </summary>
    public static async Task<AlertsDeployment> StartProductionAsync(PrivateServices services, FaultLog log, int workers = 2, IPrivateBroker? broker = null)
    {
        broker ??= services.RabbitMq;
        var name = $"faults_{Guid.NewGuid():N}"[..20];
        var directory = Directory.CreateTempSubdirectory("alerts-faults-").FullName;
        var push = await StartPushServiceAsync();
        await services.Postgres.CreateDatabaseAsync(name);
        await broker.AddVirtualHostAsync(name);
        var settings = BaseSettings(push);
        settings["Alerts:Transport"] = "RabbitMq";
        settings["ConnectionStrings:RabbitMq"] = broker.UriFor(name, 0);
        settings["Alerts:Storage"] = "Postgres";
        settings["ConnectionStrings:Alerts"] = services.Postgres.ConnectionString(name);

        // The API first: it migrates the store and makes the VAPID keys that the workers then load.
        var api = ServerProcess.Start("api", With(settings, "Alerts:Roles", "Api,Scheduler"), directory);
        var deployment = new AlertsDeployment(log, push, services, broker, name, directory, settings, api);
        try
        {
            await api.WaitUntilReadyAsync(StartTimeout);
            for (var i = 1; i <= workers; i++)
            {
                var worker = With(With(settings, "Alerts:Roles", "Worker"), "ConnectionStrings:RabbitMq", broker.UriFor(name, i));
                deployment._workers.Add(ServerProcess.Start($"worker-{i}", worker, directory));
            }
            foreach (var worker in deployment._workers) await worker.WaitUntilReadyAsync(StartTimeout);
        }
        catch
        {
            deployment.PrintLogTails();
            await deployment.DisposeAsync();
            throw;
        }
        log.Write($"production mode: api {api.Address} (pid {api.Id}), workers {string.Join(", ", deployment._workers.Select(w => $"{w.Name} pid {w.Id}"))}; " +
                  $"database {name} on :{services.Postgres.Port}, vhost {name} on the {broker.Description}; push service {push.Origin}; logs {directory}");
        return deployment;
    }

    /// <summary>Everything in one process as `dotnet run` starts it: SQLite file, in-memory bus, every role.</summary>
    public static async Task<AlertsDeployment> StartEmbeddedAsync(FaultLog log)
    {
        var directory = Directory.CreateTempSubdirectory("alerts-faults-embedded-").FullName;
        var push = await StartPushServiceAsync();
        var settings = BaseSettings(push);
        settings["Alerts:Transport"] = "InMemory";
        settings["Alerts:Storage"] = "Sqlite";
        settings["ConnectionStrings:Alerts"] = $"Data Source={Path.Combine(directory, "alerts.db")}";
        var process = ServerProcess.Start("embedded", settings, directory);
        var deployment = new AlertsDeployment(log, push, null, null, "embedded", directory, settings, process);
        try
        {
            await process.WaitUntilReadyAsync(StartTimeout);
        }
        catch
        {
            deployment.PrintLogTails();
            await deployment.DisposeAsync();
            throw;
        }
        log.Write($"embedded mode: {process.Address} (pid {process.Id}); SQLite in {directory}; push service {push.Origin}");
        return deployment;
    }

    /// <summary>Starts the embedded process again on the same store and port (after it was killed).</summary>
    public async Task RestartEmbeddedAsync()
    {
        var port = Api.Address.Port;
        await Api.DisposeAsync();
        Api = ServerProcess.Start("embedded", _settings, _directory, port);
        _editor.Dispose();
        _editor = Api.Client(AlertsServer.EditorKey);
        await Api.WaitUntilReadyAsync(StartTimeout);
        Log.Write($"embedded process started again (pid {Api.Id})");
    }

    public async Task<IReadOnlyList<Reader>> SeedAudienceAsync(int count)
    {
        var started = Log.Elapsed;
        using var client = Api.Client();
        var readers = await AudienceSeeder.SeedAsync(client, Push, count);
        Log.Write($"subscribed {readers.Count} readers through POST /api/subscriptions in {(Log.Elapsed - started).TotalSeconds:0.0} s");
        return readers;
    }

    public static object Alert(string title, int? ttlSeconds = null) => new
    {
        title,
        body = "A fault test alert to every reader.",
        url = "https://news.example/world/fault-test",
        sections = (string[]?)null,
        ttlSeconds,
    };

    /// <summary>POST /api/alerts; returns the status, the id when there is one, and the body.</summary>
    public async Task<(HttpStatusCode Status, Guid? Id, string Body)> PostAlertAsync(object alert, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/alerts") { Content = JsonContent.Create(alert) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await _editor.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Guid? id = null;
        if (response.IsSuccessStatusCode && JsonDocument.Parse(body).RootElement.TryGetProperty("id", out var idElement)) id = idElement.GetGuid();
        return (response.StatusCode, id, body);
    }

    public async Task<Guid> SendAlertAsync(string title, int? ttlSeconds = null)
    {
        var (status, id, body) = await PostAlertAsync(Alert(title, ttlSeconds));
        Assert.True(status == HttpStatusCode.Accepted && id is not null, $"POST /api/alerts answered {(int)status}: {body}");
        Log.Write($"alert '{title}' accepted: {id}");
        return id!.Value;
    }

    public async Task<NotificationCounters> CountersAsync(Guid id)
    {
        try
        {
            using var response = await _editor.GetAsync($"/api/alerts/{id}");
            var body = await response.Content.ReadAsStringAsync();
            return response.IsSuccessStatusCode
                ? NotificationCounters.From(JsonDocument.Parse(body).RootElement)
                : NotificationCounters.Unreachable(id, $"{(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return NotificationCounters.Unreachable(id, e.GetType().Name);
        }
    }

    /// <summary>How many subscriptions the service has (GET /api/audience: everyone a breaking alert reaches).</summary>
    public async Task<int> AudienceAsync()
    {
        var body = await _editor.GetFromJsonAsync<JsonElement>("/api/audience");
        return body.GetProperty("count").GetInt32();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        if (_services is null) throw new InvalidOperationException("SQL is for production mode's PostgreSQL.");
        return await _services.Postgres.ScalarAsync<T>(_name, sql);
    }

    /// <summary>Waits until at least <paramref name="fraction"/> of the readers got the alert: the moment to break something.</summary>
    /// <returns>How many readers had received it.</returns>
    public async Task<int> WaitForProgressAsync(IReadOnlyList<Guid> ids, IReadOnlyCollection<Reader> readers, double fraction, TimeSpan timeout)
    {
        var wanted = (int)Math.Ceiling(readers.Count * fraction);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var received = DeliveryReport.Count("", ids, readers, Push, []).Received;
            if (received >= wanted) return received;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Only {received} of {readers.Count} readers received the alert within {timeout.TotalSeconds:0} s; " +
                                           $"waited for {wanted} before injecting the fault.\n{await CountersTextAsync(ids)}");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Waits until every reader received every notification and each notification is in a final state,
    /// or until the timeout; then counts. No wait after that: a final state means every reader's outcome
    /// is recorded, and an outcome is recorded only after the push service answered, so no push of
    /// these notifications is still on its way (a dead worker's unrecorded pushes arrived before it died).
    /// </summary>
    /// <param name="separateAlerts">The ids are different alerts (each reader should get each); otherwise copies of one alert (each reader should get one).</param>
    public async Task<DeliveryReport> WaitForOutcomeAsync(string injected, IReadOnlyList<Guid> ids, IReadOnlyCollection<Reader> readers, TimeSpan timeout,
        bool separateAlerts = false)
    {
        var deadline = DateTime.UtcNow + timeout;
        var settled = false;
        while (DateTime.UtcNow < deadline)
        {
            var everyone = separateAlerts
                ? DeliveryReport.CountEach("", ids, readers, Push, []).EveryoneReceived
                : DeliveryReport.Count("", ids, readers, Push, []).EveryoneReceived;
            var counters = await Task.WhenAll(ids.Select(CountersAsync));
            if (everyone && counters.All(c => c.IsFinal))
            {
                settled = true;
                break;
            }
            await Task.Delay(500);
        }
        var final = await Task.WhenAll(ids.Select(CountersAsync));
        var report = separateAlerts
            ? DeliveryReport.CountEach(injected, ids, readers, Push, final)
            : DeliveryReport.Count(injected, ids, readers, Push, final);
        Log.Write((settled ? "outcome" : $"outcome after the {timeout.TotalSeconds:0} s wait ran out") + ":\n" + report);
        return report;
    }

    public void PrintLogTails()
    {
        foreach (var process in new[] { Api }.Concat(_workers))
            Log.Write(process.Tail());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in new[] { Api }.Concat(_workers)) await process.DisposeAsync();
        _editor.Dispose();
        await Push.DisposeAsync();
        if (_services is not null && _broker is not null)
        {
            // A failed test may have left an outage in place: the next test needs the services back.
            await _broker.EnsureRunningAsync();
            await _services.Postgres.EnsureRunningAsync();
            try
            {
                await _services.Postgres.DropDatabaseAsync(_name);
                await _broker.DeleteVirtualHostAsync(_name);
            }
            catch (Exception e) when (e is InvalidOperationException or Npgsql.NpgsqlException)
            {
                Log.Write($"cleaning up {_name}: {e.Message}");
            }
        }
        if (KeepLogs)
        {
            Log.Write($"stopped; process logs kept in {_directory}");
        }
        else
        {
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            Log.Write("stopped");
        }
    }

    private static async Task<FakePushService> StartPushServiceAsync()
    {
        var push = await FakePushService.StartAsync(AlertsServer.VapidSubject);
        push.Latency = PushLatency;
        return push;
    }

    private static Dictionary<string, string> BaseSettings(FakePushService push)
    {
        var settings = AlertsServer.BaseSettings(push).ToDictionary(s => s.Key, s => s.Value ?? "");
        settings["Alerts:Push:BatchSize"] = BatchSize.ToString();
        settings["Alerts:Push:MaxConcurrency"] = MaxConcurrency.ToString();
        // A dead worker's readers are taken again when its claims' lease ends: shorter than the default, so
        // a test need not wait minutes, and longer than the 30 s store outage a live worker must ride out.
        settings["Alerts:Push:ClaimLease"] = "00:01:00";
        settings["Alerts:Push:RequestTimeout"] = "00:00:05";
        settings["Alerts:RateLimits:SubscribePerMinute"] = "1000000";
        settings["Logging:LogLevel:Default"] = "Information";
        settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning";
        settings["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning";
        settings["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning";
        settings["Logging:Console:FormatterName"] = "simple";
        settings["Logging:Console:FormatterOptions:SingleLine"] = "true";
        settings["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss.fff ";
        return settings;
    }

    private static Dictionary<string, string> With(Dictionary<string, string> settings, string key, string value) =>
        new(settings) { [key] = value };

    private async Task<string> CountersTextAsync(IReadOnlyList<Guid> ids) =>
        string.Join('\n', await Task.WhenAll(ids.Select(async id => (await CountersAsync(id)).ToString())));
}
