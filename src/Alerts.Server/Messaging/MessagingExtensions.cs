using Alerts.Articles;
using Alerts.Hosting;
using MassTransit;

namespace Alerts.Messaging;

public static class MessagingExtensions
{
    public const string RabbitMqConnectionKey = "ConnectionStrings:RabbitMq";
    internal const string DefaultRabbitMq = "amqp://guest:guest@127.0.0.1:5672/";

    /// <summary>
    /// MassTransit over RabbitMQ in production, in memory on a laptop: the same consumers either way.
    /// Only Worker replicas consume; every role can publish.
    /// </summary>
    public static IServiceCollection AddAlertsMessaging(this IServiceCollection services, IConfiguration configuration, AlertsOptions options)
    {
        Uri? rabbitUri = null;
        if (options.Transport == TransportKind.RabbitMq)
        {
            var value = configuration[RabbitMqConnectionKey];
            if (string.IsNullOrWhiteSpace(value)) value = DefaultRabbitMq;
            if (!Uri.TryCreate(value, UriKind.Absolute, out rabbitUri) || rabbitUri.Scheme is not ("amqp" or "amqps" or "rabbitmq" or "rabbitmqs"))
                throw new InvalidOperationException($"Configuration key '{RabbitMqConnectionKey}' must be an AMQP URI such as amqp://user:password@host:5672/vhost.");
        }

        services.AddScoped<ArticleRecorder>();
        services.AddSingleton<ArticleValidator>();
        services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            bus.DisableUsageTelemetry();
            if (options.Has(ServerRoles.Worker))
            {
                // Every consumer in this assembly, each with its ConsumerDefinition (queue name, retries, limits).
                bus.AddConsumers(typeof(MessagingExtensions).Assembly);
            }
            else
            {
                // API and Scheduler processes only write to the store (the outbox): they stay ready while the
                // bus is away, and /health/ready still shows the bus as degraded.
                bus.ConfigureHealthCheckOptions(health => health.MinimalFailureStatus = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded);
            }

            if (rabbitUri is not null)
            {
                bus.UsingRabbitMq((context, rabbit) =>
                {
                    rabbit.Host(rabbitUri, host => host.ConnectionName("alerts"));
                    rabbit.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingInMemory((context, memory) => memory.ConfigureEndpoints(context));
            }
        });
        return services;
    }
}
