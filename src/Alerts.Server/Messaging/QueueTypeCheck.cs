using Alerts.Articles;
using Alerts.Delivery;
using Alerts.Hosting;
using Alerts.Notifications;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Alerts.Messaging;

/// <summary>
/// Before a worker starts its bus: are the work queues that already exist of the configured type? A
/// queue's type cannot change once declared, and MassTransit would otherwise retry the declaration
/// for ever (PRECONDITION_FAILED, inequivalent arg 'x-queue-type') while the worker looks alive. This
/// stops start-up instead, naming the key and the way out. Queues that do not exist yet are left to
/// the bus; a broker that cannot be reached is not waited for (the bus rides that out on its own).
/// </summary>
public static class QueueTypeCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The work queues, with the <c>_error</c> and <c>_skipped</c> queues that copy their arguments.</summary>
    public static IReadOnlyList<string> Queues { get; } =
    [
        .. new[] { ArticlePublishedConsumerDefinition.QueueName, SendNotificationConsumerDefinition.QueueName, DeliverNotificationBatchConsumerDefinition.QueueName }
            .SelectMany(q => new[] { q, q + "_error", q + "_skipped" }),
    ];

    public static async Task CheckQueueTypesAsync(this IServiceProvider services)
    {
        var options = services.GetRequiredService<AlertsOptions>();
        if (options.Transport != TransportKind.RabbitMq || !options.Has(ServerRoles.Worker)) return;
        var rabbit = services.GetRequiredService<RabbitMqConnection>();
        var type = services.GetRequiredService<IOptions<QueueTypeOptions>>().Value.Type;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(QueueTypeCheck));

        using var timeout = new CancellationTokenSource(Timeout);
        var factory = rabbit.Factory("alerts-queue-type-check");
        factory.RequestedConnectionTimeout = Timeout;
        IConnection connection;
        try
        {
            connection = await factory.CreateConnectionAsync(rabbit.Endpoints(factory), timeout.Token);
        }
        catch (Exception e) when (e is BrokerUnreachableException or OperationCanceledException or TimeoutException)
        {
            logger.LogWarning("Could not check the RabbitMQ queue types at start ({Message}); the bus declares its queues when the broker is back", e.Message);
            return;
        }
        await using var _ = connection;

        var mismatches = new List<string>();
        foreach (var queue in Queues)
        {
            if (await MismatchAsync(connection, queue, type, timeout.Token) is { } mismatch) mismatches.Add(mismatch);
        }
        if (mismatches.Count == 0) return;

        var other = type == QueueType.Quorum ? "classic" : "quorum";
        throw new InvalidOperationException(
            $"Configuration key '{QueueTypeOptions.Key}' is {type.ToString().ToLowerInvariant()}, but these queues already exist as {other} queues " +
            $"and RabbitMQ cannot change a queue's type: {string.Join("; ", mismatches)}. Either set {QueueTypeOptions.Key}={other} to keep them, " +
            "or drain and delete them (or move to a new virtual host) so that they are declared again; see docs/operations.md, 'Quorum queues and RabbitMQ clusters'.");
    }

    /// <summary>Declares an existing queue again with the arguments the bus will use: RabbitMQ refuses (406) if its type differs.</summary>
    private static async Task<string?> MismatchAsync(IConnection connection, string queue, QueueType type, CancellationToken cancellationToken)
    {
        // A channel that a refused declaration closes is not used again.
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
        {
            try
            {
                await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
                return null;
            }
        }

        var arguments = type == QueueType.Quorum ? new Dictionary<string, object?> { ["x-queue-type"] = "quorum" } : null;
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
        {
            try
            {
                await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: cancellationToken);
                return null;
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 406)
            {
                return $"{queue} ({e.ShutdownReason.ReplyText})";
            }
        }
    }
}
