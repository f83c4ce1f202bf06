namespace Alerts.FaultTests.Infrastructure;

/// <summary>
/// A RabbitMQ node of the tests' own (its own name, ports and data directory), so an outage can be
/// injected without touching the node every other test uses on 5672. One virtual host per test.
/// </summary>
public sealed class PrivateRabbitMq : IPrivateBroker
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);
    private readonly string _directory;
    private IDisposable? _stopOnAbort;

    private PrivateRabbitMq(string node, int port, string directory)
    {
        Node = node;
        Port = port;
        _directory = directory;
    }

    public string Node { get; }
    public int Port { get; }

    public string UriFor(string vhost) => $"amqp://guest:guest@127.0.0.1:{Port}/{Uri.EscapeDataString(vhost)}";

    string IPrivateBroker.UriFor(string vhost, int process) => UriFor(vhost);

    public string Description => $"node {Node} on :{Port}";

    /// <param name="name">Tells the nodes of one run apart (a cluster's members); the node name always carries the test host's pid.</param>
    public static async Task<PrivateRabbitMq> StartAsync(string? name = null)
    {
        var node = name is null ? $"alerts-faults-{Environment.ProcessId}@localhost" : $"alerts-faults-{Environment.ProcessId}-{name}@localhost";
        var directory = Directory.CreateTempSubdirectory("alerts-faults-rabbitmq-").FullName;
        var plugins = Path.Combine(directory, "enabled_plugins");
        await File.WriteAllTextAsync(plugins, "[].");
        // Its own (empty) configuration, so nothing in /etc/rabbitmq applies to this node.
        var config = Path.Combine(directory, "rabbitmq.conf");
        await File.WriteAllTextAsync(config, "");
        Leftovers.MarkOwned(directory);
        await Shell.ChownAsync("rabbitmq", directory);
        var rabbit = new PrivateRabbitMq(node, FreePort.Next(), directory);
        rabbit._stopOnAbort = Leftovers.OnAbort(() =>
        {
            Shell.RunBlocking("rabbitmqctl", ["-n", node, "shutdown"], TimeSpan.FromSeconds(30));
            Directory.Delete(directory, recursive: true);
        });
        var environment = new Dictionary<string, string>
        {
            ["RABBITMQ_NODENAME"] = node,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = rabbit.Port.ToString(),
            ["RABBITMQ_DIST_PORT"] = FreePort.Next().ToString(),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(directory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(directory, "log"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = plugins,
            ["RABBITMQ_PID_FILE"] = Path.Combine(directory, "rabbitmq.pid"),
            ["RABBITMQ_CONFIG_FILE"] = config,
        };
        await Shell.RunAsync("rabbitmq-server", ["-detached"], CommandTimeout, environment);
        var deadline = DateTime.UtcNow + CommandTimeout;
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            // await_startup fails at once while the node boots, hence the loop.
            try
            {
                await Shell.RunAsync("rabbitmqctl", ["-n", node, "await_startup", "--timeout", "60"], CommandTimeout);
                return rabbit;
            }
            catch (InvalidOperationException e)
            {
                last = e.Message;
            }
            await Task.Delay(200);
        }
        await rabbit.DisposeAsync();
        throw new TimeoutException($"RabbitMQ node {node} did not start: {last}");
    }

    public async Task AddVirtualHostAsync(string vhost)
    {
        await Ctl("add_vhost", vhost);
        await Ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
    }

    public async Task DeleteVirtualHostAsync(string vhost) => await Ctl("delete_vhost", vhost);

    /// <summary>The outage: the broker stops (connections drop, the port closes); the node stays up to start again.</summary>
    public Task StopAppAsync() => Ctl("stop_app");

    public Task StartAppAsync() => Ctl("start_app");

    /// <summary>Starts the broker again if a test left it stopped (start_app on a running broker does nothing).</summary>
    public Task EnsureRunningAsync() => StartAppAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Shell.RunAsync("rabbitmqctl", ["-n", Node, "shutdown"], CommandTimeout, check: false);
        }
        finally
        {
            _stopOnAbort?.Dispose();
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Runs rabbitmqctl against this node.</summary>
    public Task<string> Ctl(params string[] arguments) =>
        Shell.RunAsync("rabbitmqctl", ["-n", Node, .. arguments], CommandTimeout);
}
