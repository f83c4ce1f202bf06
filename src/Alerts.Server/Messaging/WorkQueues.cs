using Alerts.Hosting;
using MassTransit;

namespace Alerts.Messaging;

/// <summary>
/// Where work is sent to a queue that a worker consumes. On RabbitMQ the message goes to the exchange
/// of the queue's name, which the worker's receive endpoint binds to its queue: a <c>queue:</c> address
/// would also declare the queue, as a classic queue, and a broker refuses that for a quorum queue
/// (PRECONDITION_FAILED, x-queue-type). The queue's declaration is the receive endpoint's alone.
/// The message is sent mandatory, so a send that no queue takes yet (a new virtual host whose workers
/// have not declared their queues) fails and is retried, instead of vanishing.
/// </summary>
public static class WorkQueues
{
    public static Uri Address(string queue, TransportKind transport) =>
        new(transport == TransportKind.RabbitMq ? $"exchange:{queue}" : $"queue:{queue}");

    /// <summary>Sends <paramref name="message"/> so that it must reach a queue (RabbitMQ returns it otherwise).</summary>
    public static Task SendToQueue(this ISendEndpoint endpoint, object message, CancellationToken cancellationToken) =>
        endpoint.Send(message, Routed, cancellationToken);

    private static readonly IPipe<SendContext> Routed = Pipe.Execute<SendContext>(context =>
    {
        if (context is RabbitMqSendContext rabbit) rabbit.Mandatory = true;
    });
}
