using System.Net.Mime;
using Alerts.Contracts;
using MassTransit;

namespace Alerts.Articles;

/// <summary>
/// Takes the CMS's "article published" event and records it with its notification and outbox row in
/// one transaction; acknowledged once that is stored. The fan-out starts from the outbox.
/// </summary>
public sealed class ArticlePublishedConsumer(ArticleRecorder recorder, ILogger<ArticlePublishedConsumer> logger) : IConsumer<ArticlePublished>
{
    public async Task Consume(ConsumeContext<ArticlePublished> context)
    {
        var notificationId = await recorder.RecordAsync(context.Message, context.CancellationToken);
        logger.LogInformation("Article {ArticleId} recorded as notification {NotificationId}", context.Message.ArticleId, notificationId);
    }
}

public sealed class ArticlePublishedConsumerDefinition : ConsumerDefinition<ArticlePublishedConsumer>
{
    /// <summary>The CMS contract: a durable fanout exchange of this name, bound to the queue of the same name.</summary>
    public const string QueueName = "article-published";

    public ArticlePublishedConsumerDefinition()
    {
        EndpointName = QueueName;
        ConcurrentMessageLimit = 8;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<ArticlePublishedConsumer> consumer, IRegistrationContext context)
    {
        // The CMS sends plain JSON (application/json, or no content type at all); MassTransit envelopes still work.
        endpoint.DefaultContentType = new ContentType("application/json");
        endpoint.UseRawJsonDeserializer(RawSerializerOptions.All, isDefault: true);
        // An invalid event will never succeed: straight to the error queue with the reason, no retries.
        // Anything else is the store being away: ride it out rather than send a valid article to the error queue.
        endpoint.UseMessageRetry(r =>
        {
            r.Intervals(1000, 2000, 5000, 10000, 20000, 30000, 60000);
            r.Ignore<InvalidArticleException>();
            r.Ignore<System.Runtime.Serialization.SerializationException>();
        });
    }
}
