using Alerts.Contracts;
using Alerts.Delivery;
using MassTransit;

namespace Alerts.Notifications;

/// <summary>
/// A stored notification is due: split its audience into batches. Acknowledged only once every batch is
/// published, so a worker that dies here leaves the message to another, and planning twice pushes nobody twice.
/// </summary>
public sealed class SendNotificationConsumer(NotificationFanOut fanOut) : IConsumer<SendNotification>
{
    public Task Consume(ConsumeContext<SendNotification> context) =>
        fanOut.PlanAsync(context.Message.NotificationId, context, context.CancellationToken);
}

public sealed class SendNotificationConsumerDefinition : ConsumerDefinition<SendNotificationConsumer>
{
    public const string QueueName = "send-notification";

    public SendNotificationConsumerDefinition()
    {
        EndpointName = QueueName;
        ConcurrentMessageLimit = 4;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<SendNotificationConsumer> consumer, IRegistrationContext context) =>
        endpoint.UseMessageRetry(r => r.Intervals(500, 2000, 5000, 15000));
}
