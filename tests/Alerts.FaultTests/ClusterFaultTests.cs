using Alerts.FaultTests.Infrastructure;

namespace Alerts.FaultTests;

/// <summary>A three-node RabbitMQ cluster with quorum queues loses a node in the middle of a fan-out.</summary>
public sealed class ClusterFaultTests(PrivateServices services, RabbitClusterFixture cluster, ITestOutputHelper output)
    : FaultScenario(services, output), IClassFixture<RabbitClusterFixture>
{
    private const string BatchQueue = "deliver-notification-batch";
    private static readonly TimeSpan LeaderTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SlowerPush = TimeSpan.FromMilliseconds(40);

    [Fact]
    public Task RabbitMQ_node_leading_the_batch_queue_stopped_mid_fan_out_leaves_every_reader_served_exactly_once() =>
        InProductionModeAsync(nameof(RabbitMQ_node_leading_the_batch_queue_stopped_mid_fan_out_leaves_every_reader_served_exactly_once), async deployment =>
        {
            var nodes = cluster.Cluster;
            var vhost = deployment.Database;
            var readers = await deployment.SeedAudienceAsync(ReaderCount);
            // A slower push service than the other scenarios': the fan-out must still be going once stop_app returns.
            deployment.Push.Latency = SlowerPush;
            var id = await deployment.SendAlertAsync("A broker node goes away");
            var received = await deployment.WaitForProgressAsync([id], readers, 0.25, ProgressTimeout);

            // The node that matters: the leader of the batch queue (the workers list the nodes in different
            // orders, so it also holds one worker's connection).
            var leader = await nodes.LeaderAsync(vhost, BatchQueue) ?? throw new InvalidOperationException($"{BatchQueue} is not a quorum queue with a leader.");
            var victim = nodes.Node(leader);
            var connections = await nodes.ConnectionsPerNodeAsync(victim);
            await victim.StopAppAsync();
            var stopped = DeliveryReport.Count("", [id], readers, deployment.Push, []).Received;
            var injected = $"stop_app on {leader}, leader of {BatchQueue} and holding {connections[leader]} of {connections.Values.Sum()} connections, " +
                           $"when {received} of {readers.Count} readers had the alert ({stopped} once it had stopped)";
            deployment.Log.Write("injected: " + injected);

            var survivor = nodes.Nodes.First(n => n != victim);
            var newLeader = await WaitForNewLeaderAsync(nodes, vhost, survivor, leader);
            deployment.Log.Write($"{BatchQueue} is led by {newLeader ?? "nobody"} after the stop");
            var reconnected = await WaitForConnectionsAsync(nodes, survivor, connections.Values.Sum());
            deployment.Log.Write($"connections per node after the stop: {string.Join(", ", reconnected.Select(c => $"{c.Key} {c.Value}"))}");

            var report = await deployment.WaitForOutcomeAsync(injected, [id], readers, SettleTimeout);
            new Expect(report)
                .That(connections[leader] > 0, $"{leader} held no client connection: stopping it tested nothing about reconnecting")
                .That(stopped < readers.Count, "the fan-out had finished before the node stopped: the fault came too late to test anything")
                .That(reconnected.Values.Sum() == connections.Values.Sum(), $"the processes did not all reconnect to the other nodes ({reconnected.Values.Sum()} of {connections.Values.Sum()} connections)")
                .That(newLeader is not null && newLeader != leader, $"{BatchQueue} had no new leader within {LeaderTimeout.TotalSeconds:0} s (it has {newLeader ?? "none"})")
                .That(deployment.Workers.All(w => !w.HasExited), "a worker process exited")
                .NobodyMissing().NoDuplicates().EndsDoneAndCountsAddUp().SentCountsEveryReaderOnce()
                .Check();
        }, workers: 2, broker: cluster.Cluster);

    private static async Task<string?> WaitForNewLeaderAsync(PrivateRabbitCluster nodes, string vhost, PrivateRabbitMq askAt, string old)
    {
        var deadline = DateTime.UtcNow + LeaderTimeout;
        string? leader;
        do
        {
            leader = await nodes.LeaderAsync(vhost, BatchQueue, askAt);
            if (leader is not null && leader != old) return leader;
            await Task.Delay(200);
        } while (DateTime.UtcNow < deadline);
        return leader;
    }

    private static async Task<IReadOnlyDictionary<string, int>> WaitForConnectionsAsync(PrivateRabbitCluster nodes, PrivateRabbitMq askAt, int expected)
    {
        var deadline = DateTime.UtcNow + LeaderTimeout;
        IReadOnlyDictionary<string, int> connections;
        do
        {
            connections = await nodes.ConnectionsPerNodeAsync(askAt);
            if (connections.Values.Sum() >= expected) return connections;
            await Task.Delay(200);
        } while (DateTime.UtcNow < deadline);
        return connections;
    }
}

/// <summary>The three-node cluster, for the tests of one class; stopped when they are done.</summary>
public sealed class RabbitClusterFixture : IAsyncLifetime
{
    public PrivateRabbitCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await PrivateRabbitCluster.StartAsync();
        Console.WriteLine($"Fault tests: private RabbitMQ {Cluster.Description}");
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null) await Cluster.DisposeAsync();
    }
}
