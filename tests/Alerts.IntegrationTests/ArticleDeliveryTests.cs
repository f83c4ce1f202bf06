using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Alerts.IntegrationTests.Infrastructure;
using Alerts.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.IntegrationTests;

/// <summary>An article event from the CMS, over real RabbitMQ into PostgreSQL, reaches the right browsers.</summary>
public sealed class ArticleDeliveryTests(ProductionModeFixture fixture) : IClassFixture<ProductionModeFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private FakePushService Push => fixture.Push;
    private AlertsServer Server => fixture.Server;

    private static string ArticleJson(string articleId, string title, params string[] sections) => JsonSerializer.Serialize(new
    {
        articleId, title, summary = "The meeting follows months of talks.",
        url = $"https://news.example/{sections[0]}/{articleId}", sections,
        imageUrl = "https://news.example/img/1.jpg", publishedAt = "2018-10-23T09:00:00Z", breaking = false,
    });

    [Fact]
    public async Task Article_in_world_reaches_world_subscribers_only()
    {
        var world = TestSubscriber.Create();
        var sports = TestSubscriber.Create();
        var both = TestSubscriber.Create();
        await Server.SubscribeAsync(Push, world, ["world"]);
        await Server.SubscribeAsync(Push, sports, ["sports"]);
        await Server.SubscribeAsync(Push, both, ["world", "sports"]);
        var articleId = $"world-summit-{Guid.NewGuid():N}";

        await fixture.PublishRawAsync(ArticleJson(articleId, "Leaders agree to meet in Paris", "world"));

        var notification = await Server.WaitForNotificationAsync(
            n => n.GetProperty("title").GetString() == "Leaders agree to meet in Paris" && n.GetProperty("status").GetString() == "done", Timeout);
        Assert.Single(Push.ReceivedBy(world));
        Assert.Single(Push.ReceivedBy(both));
        Assert.Empty(Push.ReceivedBy(sports));
        foreach (var push in Push.ReceivedBy(world).Concat(Push.ReceivedBy(both)))
        {
            Assert.Equal("Leaders agree to meet in Paris", push.Payload.GetProperty("title").GetString());
            Assert.Equal($"https://news.example/world/{articleId}", push.Payload.GetProperty("url").GetString());
            Assert.Equal("article", push.Payload.GetProperty("kind").GetString());
            Assert.Equal(notification.GetProperty("id").GetString(), push.Payload.GetProperty("tag").GetString());
            Assert.Equal("normal", push.Urgency);
        }
        Assert.Equal(2, notification.GetProperty("targeted").GetInt32());
        Assert.Equal(2, notification.GetProperty("sent").GetInt32());
        Assert.Empty(Push.Rejections);
    }

    [Fact]
    public async Task Same_article_published_twice_notifies_each_subscriber_once()
    {
        var reader = TestSubscriber.Create();
        await Server.SubscribeAsync(Push, reader, ["business"]);
        var articleId = $"business-rates-{Guid.NewGuid():N}";
        var json = ArticleJson(articleId, "Central bank holds rates", "business");

        await fixture.PublishRawAsync(json);
        await Server.WaitForNotificationAsync(n => n.GetProperty("title").GetString() == "Central bank holds rates" && n.GetProperty("status").GetString() == "done", Timeout);
        await fixture.PublishRawAsync(json);
        // A later, different article to the same reader proves the duplicate was processed (and skipped) before it.
        await fixture.PublishRawAsync(ArticleJson($"business-next-{Guid.NewGuid():N}", "Markets close higher", "business"));
        await Push.WaitForRequestsAsync(all => all.Count(p => p.SubscriberId == reader.Id) >= 2, Timeout);
        await Server.WaitForNotificationAsync(n => n.GetProperty("title").GetString() == "Markets close higher" && n.GetProperty("status").GetString() == "done", Timeout);

        var titles = Push.ReceivedBy(reader).Select(p => p.Payload.GetProperty("title").GetString()).ToList();
        Assert.Equal(["Central bank holds rates", "Markets close higher"], titles.Order().ToList());
    }

    [Fact]
    public async Task Redelivered_batch_pushes_nobody_twice()
    {
        var reader = TestSubscriber.Create();
        var readerId = (await Server.SubscribeAsync(Push, reader, ["tv-shows"])).Id;
        await fixture.PublishRawAsync(ArticleJson($"tv-{Guid.NewGuid():N}", "Drama wins the ratings", "tv-shows"));
        var notification = await Server.WaitForNotificationAsync(n => n.GetProperty("title").GetString() == "Drama wins the ratings" && n.GetProperty("status").GetString() == "done", Timeout);
        var id = notification.GetProperty("id").GetGuid();

        // As if the worker had died before acknowledging: the same batch arrives again, twice, as a first
        // delivery and as a retry of its pushes.
        var bus = Server.Services.GetRequiredService<MassTransit.IBus>();
        var consumed = new ConsumedMessages<Alerts.Contracts.DeliverNotificationBatch>(batch => batch.NotificationId == id);
        using var observing = bus.ConnectConsumeObserver(consumed);
        var endpoint = await bus.GetSendEndpoint(Alerts.Messaging.WorkQueues.Address(Alerts.Delivery.DeliverNotificationBatchConsumerDefinition.QueueName, Alerts.Hosting.TransportKind.RabbitMq));
        await endpoint.Send(new Alerts.Contracts.DeliverNotificationBatch(id, 0, [readerId]));
        await endpoint.Send(new Alerts.Contracts.DeliverNotificationBatch(id, 0, [readerId]) { Attempt = 2 });
        await consumed.WaitForAsync(2, Timeout);

        Assert.Single(Push.ReceivedBy(reader).Of(id));
        var after = await Server.GetAlertAsync(id);
        Assert.Equal(1, after.GetProperty("sent").GetInt32());
        Assert.Equal("done", after.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Subscriber_whose_push_service_answers_410_is_deleted()
    {
        var gone = TestSubscriber.Create();
        var created = await Server.SubscribeAsync(Push, gone, ["health"]);
        Push.Script(gone, FakeResponse.Gone());

        await fixture.PublishRawAsync(ArticleJson($"health-{Guid.NewGuid():N}", "New clinic opens", "health"));

        var notification = await Server.WaitForNotificationAsync(n => n.GetProperty("title").GetString() == "New clinic opens" && n.GetProperty("status").GetString() == "done", Timeout);
        Assert.Equal(1, notification.GetProperty("gone").GetInt32());
        Assert.Equal(0, notification.GetProperty("sent").GetInt32());
        var client = Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Token);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/subscriptions/{created.Id}")).StatusCode);
    }

    [Fact]
    public async Task Subscriber_answered_429_is_delivered_after_retry_after()
    {
        var throttled = TestSubscriber.Create();
        await Server.SubscribeAsync(Push, throttled, ["lifestyle"]);
        Push.Script(throttled, FakeResponse.TooManyRequests(retryAfterSeconds: 1));

        await fixture.PublishRawAsync(ArticleJson($"lifestyle-{Guid.NewGuid():N}", "Ten winter recipes", "lifestyle"));

        var notification = await Server.WaitForNotificationAsync(n => n.GetProperty("title").GetString() == "Ten winter recipes" && n.GetProperty("status").GetString() == "done", Timeout);
        var attempts = Push.ReceivedBy(throttled);
        Assert.Equal([429, 201], attempts.Select(p => p.AnsweredStatus));
        Assert.True(attempts[1].ReceivedAt - attempts[0].ReceivedAt >= TimeSpan.FromSeconds(0.95),
            $"The retry came {(attempts[1].ReceivedAt - attempts[0].ReceivedAt).TotalMilliseconds} ms after the 429, before its Retry-After of 1 s.");
        Assert.Equal(1, notification.GetProperty("sent").GetInt32());
        Assert.Equal(0, notification.GetProperty("failed").GetInt32());
    }

    [Fact]
    public async Task Malformed_event_goes_to_the_error_queue_and_the_next_event_is_delivered()
    {
        var reader = TestSubscriber.Create();
        await Server.SubscribeAsync(Push, reader, ["videos"]);

        await fixture.PublishRawAsync("{ this is not json");
        await fixture.PublishRawAsync(JsonSerializer.Serialize(new { articleId = "no-url", title = "Missing URL", sections = new[] { "videos" } }));
        await fixture.PublishRawAsync(ArticleJson($"videos-{Guid.NewGuid():N}", "Watch: the final over", "videos"));

        await Push.WaitForRequestsAsync(all => all.Any(p => p.SubscriberId == reader.Id), Timeout);
        Assert.Equal("Watch: the final over", Assert.Single(Push.ReceivedBy(reader)).Payload.GetProperty("title").GetString());

        var reasons = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var faulted = await fixture.GetFromQueueAsync("article-published_error", Timeout);
            Assert.NotNull(faulted);
            var headers = faulted.BasicProperties.Headers!;
            Assert.True(headers.TryGetValue("MT-Fault-Message", out var reason), "The error queue message carries no MT-Fault-Message header.");
            reasons.Add(Encoding.UTF8.GetString((byte[])reason!));
        }
        Assert.Contains(reasons, r => r.Contains("url", StringComparison.OrdinalIgnoreCase));
    }
}
