using Alerts.Contracts;
using Alerts.Delivery;
using MassTransit;

namespace Alerts.Notifications;

/// <summary>A stored notification is due (its outbox row was published): plan its fan-out.</summary>
public sealed class SendNotificationConsumer(NotificationPlanner planner) : IConsumer<SendNotification>
{
    public Task Consume(ConsumeContext<SendNotification> context) =>
        planner.PlanAsync(context.Message.NotificationId, context.Message.OutboxId, context.CancellationToken);
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
        endpoint.UseMessageRetry(r => r.Intervals(1000, 2000, 5000, 10000, 20000, 30000, 60000));
}
