using Alerts.Contracts;
using MassTransit;

namespace Alerts.Delivery;

/// <summary>Takes a batch off the queue and hands it to <see cref="BatchDelivery"/>; acknowledged once its outcomes are recorded.</summary>
public sealed class DeliverNotificationBatchConsumer(BatchDelivery delivery) : IConsumer<DeliverNotificationBatch>
{
    public Task Consume(ConsumeContext<DeliverNotificationBatch> context) =>
        delivery.DeliverAsync(context.Message, context.CancellationToken);
}

public sealed class DeliverNotificationBatchConsumerDefinition : ConsumerDefinition<DeliverNotificationBatchConsumer>
{
    public const string QueueName = "deliver-notification-batch";

    public DeliverNotificationBatchConsumerDefinition()
    {
        EndpointName = QueueName;
        // Each batch sends with bounded parallelism; two at once keep the pipe full while one records,
        // and keep what a killed worker can have sent unrecorded to a batch's worth.
        ConcurrentMessageLimit = 2;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<DeliverNotificationBatchConsumer> consumer, IRegistrationContext context)
    {
        endpoint.PrefetchCount = 4;
        // Only the store can fail a batch (a reader's problem is that reader's outcome): ride out an outage.
        endpoint.UseMessageRetry(r => r.Intervals(1000, 2000, 5000, 10000, 20000, 30000, 60000));
    }
}
