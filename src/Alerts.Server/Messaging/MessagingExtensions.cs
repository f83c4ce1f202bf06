using Alerts.Articles;
using Alerts.Hosting;
using MassTransit;
using MassTransit.RabbitMqTransport.Configuration;
using Microsoft.Extensions.Options;

namespace Alerts.Messaging;

public static class MessagingExtensions
{
    public const string RabbitMqConnectionKey = RabbitMqConnection.Key;

    /// <summary>
    /// MassTransit over RabbitMQ in production, in memory on a laptop: the same consumers either way.
    /// Only Worker replicas consume; every role can publish.
    /// </summary>
    public static IServiceCollection AddAlertsMessaging(this IServiceCollection services, IConfiguration configuration, AlertsOptions options)
    {
        RabbitMqConnection? rabbit = null;
        if (options.Transport == TransportKind.RabbitMq)
        {
            rabbit = RabbitMqConnection.From(configuration);
            services.AddSingleton(rabbit);
            // The in-memory transport has no queue types: the key is read (and checked) only for RabbitMQ.
            services.AddOptions<QueueTypeOptions>().BindConfiguration(QueueTypeOptions.SectionKey).ValidateOnStart();
            services.AddSingleton<IValidateOptions<QueueTypeOptions>, QueueTypeOptionsValidator>();
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

            if (rabbit is not null)
            {
                bus.AddConfigureEndpointsCallback((context, _, endpoint) =>
                {
                    if (context.GetRequiredService<IOptions<QueueTypeOptions>>().Value.Type == QueueType.Quorum) UseQuorumQueue(endpoint);
                });
                bus.UsingRabbitMq((context, transport) =>
                {
                    transport.Host(rabbit.Uri, host =>
                    {
                        host.ConnectionName("alerts");
                        if (rabbit.IsCluster) host.UseCluster(cluster => { foreach (var node in rabbit.Nodes) cluster.Node(node.ToString()); });
                    });
                    transport.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingInMemory((context, memory) => memory.ConfigureEndpoints(context));
            }
        });
        return services;
    }

    /// <summary>
    /// A durable work queue (and with it its <c>_error</c> and <c>_skipped</c> queues, which copy its
    /// arguments) becomes a quorum queue; a temporary (auto-delete) queue stays classic.
    /// </summary>
    private static void UseQuorumQueue(IReceiveEndpointConfigurator endpoint)
    {
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit
            && endpoint is IRabbitMqReceiveEndpointConfiguration { Settings: { Durable: true, AutoDelete: false, Exclusive: false } })
            rabbit.SetQuorumQueue();
    }
}
