using System.Text.RegularExpressions;

namespace Alerts.FaultTests.Infrastructure;

/// <summary>
/// A RabbitMQ cluster of three private nodes on loopback (<see cref="PrivateRabbitMq"/> each: own name,
/// AMQP and distribution ports, data directory; one Erlang cookie and epmd for all), the second and
/// third joined to the first with <c>rabbitmqctl join_cluster</c>. Each process of a deployment gets
/// the three nodes in its own order, so the processes start connected to different nodes.
/// </summary>
public sealed partial class PrivateRabbitCluster : IPrivateBroker
{
    private PrivateRabbitCluster(IReadOnlyList<PrivateRabbitMq> nodes) => Nodes = nodes;

    public IReadOnlyList<PrivateRabbitMq> Nodes { get; }

    public string Description => "cluster of " + string.Join(", ", Nodes.Select(n => $"{n.Node} on :{n.Port}"));

    public static async Task<PrivateRabbitCluster> StartAsync(int size = 3)
    {
        var starting = Enumerable.Range(0, size).Select(i => PrivateRabbitMq.StartAsync($"c{i + 1}")).ToList();
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var node in starting.Where(t => t.IsCompletedSuccessfully)) await node.Result.DisposeAsync();
            throw;
        }
        var cluster = new PrivateRabbitCluster(starting.Select(t => t.Result).ToList());
        try
        {
            var first = cluster.Nodes[0];
            foreach (var node in cluster.Nodes.Skip(1))
            {
                await node.Ctl("stop_app");
                await node.Ctl("join_cluster", first.Node);
                await node.Ctl("start_app");
            }
            await first.Ctl("await_online_nodes", size.ToString(), "--timeout", "60");
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public PrivateRabbitMq Node(string name) => Nodes.Single(n => n.Node == name);

    /// <summary>Process 0 lists the nodes from the first, process 1 from the second, and so on round.</summary>
    public string UriFor(string vhost, int process)
    {
        var hosts = Enumerable.Range(0, Nodes.Count).Select(i => Nodes[(process + i) % Nodes.Count]).Select(n => $"127.0.0.1:{n.Port}");
        return $"amqp://guest:guest@{string.Join(',', hosts)}/{Uri.EscapeDataString(vhost)}";
    }

    public async Task AddVirtualHostAsync(string vhost) => await Nodes[0].AddVirtualHostAsync(vhost);

    public async Task DeleteVirtualHostAsync(string vhost) => await Running().DeleteVirtualHostAsync(vhost);

    public async Task EnsureRunningAsync()
    {
        foreach (var node in Nodes) await node.EnsureRunningAsync();
    }

    /// <summary>The node that leads a quorum queue (asked of a running node), or null when it has none.</summary>
    public async Task<string?> LeaderAsync(string vhost, string queue, PrivateRabbitMq? askAt = null)
    {
        var output = await (askAt ?? Nodes[0]).Ctl("list_queues", "-p", vhost, "--quiet", "--no-table-headers", "name", "type", "leader");
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var columns = line.Split('\t');
            if (columns.Length >= 3 && columns[0] == queue) return columns[1] == "quorum" ? columns[2] : null;
        }
        return null;
    }

    /// <summary>How many client connections each node holds (rabbitmqctl list_connections, by the node's port).</summary>
    public async Task<IReadOnlyDictionary<string, int>> ConnectionsPerNodeAsync(PrivateRabbitMq askAt)
    {
        var output = await askAt.Ctl("list_connections", "--quiet", "--no-table-headers", "port", "vhost");
        var ports = Ports().Matches(output).Select(m => int.Parse(m.Value)).ToList();
        return Nodes.ToDictionary(n => n.Node, n => ports.Count(p => p == n.Port));
    }

    public async ValueTask DisposeAsync()
    {
        // Every node stops on its own (a clustered node's shutdown does not wait for the others).
        await Task.WhenAll(Nodes.Select(n => n.DisposeAsync().AsTask()));
    }

    private PrivateRabbitMq Running() => Nodes[0];

    [GeneratedRegex(@"^\d+", RegexOptions.Multiline)]
    private static partial Regex Ports();
}
