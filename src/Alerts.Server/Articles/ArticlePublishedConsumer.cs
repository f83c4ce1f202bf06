using System.Net.Mime;
using Alerts.Contracts;
using Alerts.Delivery;
using MassTransit;

namespace Alerts.Articles;

/// <summary>
/// Takes the CMS's "article published" event, records it and fans it out. The message is acknowledged
/// only after the article is stored and every batch is published, so nothing is lost if we die here.
/// </summary>
public sealed class ArticlePublishedConsumer(ArticleRecorder recorder, NotificationFanOut fanOut, ILogger<ArticlePublishedConsumer> logger)
    : IConsumer<ArticlePublished>
{
    public async Task Consume(ConsumeContext<ArticlePublished> context)
    {
        var notificationId = await recorder.RecordAsync(context.Message, context.CancellationToken);
        logger.LogInformation("Article {ArticleId} recorded as notification {NotificationId}", context.Message.ArticleId, notificationId);
        await fanOut.PlanAsync(notificationId, context, context.CancellationToken);
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
        endpoint.UseMessageRetry(r =>
        {
            r.Intervals(200, 1000, 3000);
            r.Ignore<InvalidArticleException>();
            r.Ignore<System.Runtime.Serialization.SerializationException>();
        });
    }
}
