using Alerts.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Alerts.Operations;

/// <summary>
/// Moves the messages of a MassTransit error queue (<c>QUEUE_error</c>) back to <c>QUEUE</c> after the
/// cause is fixed, with their body, properties and headers unchanged. Each message is published to the
/// queue with a publisher confirm before it is acknowledged on the error queue, so a crash mid-way can
/// redeliver a message but never lose one (consumers are idempotent). Only the messages present at the
/// start are moved: one that fails again lands back in the error queue and is not looped over.
/// </summary>
internal static class RedriveErrorsCommand
{
    public const string ErrorSuffix = "_error";

    public static async Task<int> RunAsync(CommandContext context)
    {
        var (errorQueue, queue) = QueueNames(context.RequireOperand("QUEUE"));
        var rabbit = RabbitMq(context);
        var cancellationToken = context.CancellationToken;

        var factory = rabbit.Factory("alerts-redrive-errors");
        IConnection connection;
        try
        {
            connection = await factory.CreateConnectionAsync(rabbit.Endpoints(factory), cancellationToken);
        }
        catch (BrokerUnreachableException e)
        {
            throw new CommandException($"RabbitMQ at {rabbit.Describe()} cannot be reached ({e.InnerException?.Message ?? e.Message}).");
        }
        await using var _ = connection;
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);

        await RequireQueueAsync(channel, queue, cancellationToken);
        var waiting = (await RequireQueueAsync(channel, errorQueue, cancellationToken)).MessageCount;

        var moved = 0;
        while (moved < waiting)
        {
            var message = await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken);
            if (message is null) break;
            var properties = new BasicProperties(message.BasicProperties);
            // Mandatory: if the queue vanished meanwhile the publish fails and the message stays in the error queue.
            await channel.BasicPublishAsync("", queue, mandatory: true, properties, message.Body, cancellationToken);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            moved++;
        }

        await context.Output.WriteLineAsync($"Moved {moved} message(s) from {errorQueue} to {queue}.");
        return 0;
    }

    /// <summary>Accepts either name: <c>article-published</c> or <c>article-published_error</c>.</summary>
    public static (string ErrorQueue, string Queue) QueueNames(string name)
    {
        name = name.Trim();
        var queue = name.EndsWith(ErrorSuffix, StringComparison.Ordinal) ? name[..^ErrorSuffix.Length] : name;
        if (queue.Length == 0) throw new CommandException($"'{name}' is not a queue name.");
        return (queue + ErrorSuffix, queue);
    }

    private static RabbitMqConnection RabbitMq(CommandContext context)
    {
        // The server's configuration sources (appsettings, environment, command line), without its services.
        var configuration = WebApplication.CreateBuilder(new WebApplicationOptions { Args = context.Settings }).Configuration;
        try
        {
            return RabbitMqConnection.From(configuration);
        }
        catch (InvalidOperationException e)
        {
            throw new CommandException(e.Message);
        }
    }

    private static async Task<QueueDeclareOk> RequireQueueAsync(IChannel channel, string queue, CancellationToken cancellationToken)
    {
        try
        {
            return await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            throw new CommandException(queue.EndsWith(ErrorSuffix, StringComparison.Ordinal)
                ? $"There is no queue {queue} on this virtual host: nothing has failed there yet, or the name is wrong."
                : $"There is no queue {queue} on this virtual host: check the name (the workers create it when they start).");
        }
    }
}
