using Alerts.IntegrationTests.Infrastructure;
using Alerts.Messaging;
using RabbitMQ.Client;

namespace Alerts.IntegrationTests;

/// <summary>
/// Alerts:Transport:QueueType on the real broker: quorum work queues by default (their error queues
/// too), and a clear stop at start when queues of the other type are already there.
/// </summary>
public sealed class QueueTypeTests(ProductionModeFixture fixture) : IClassFixture<ProductionModeFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly string[] WorkQueues = ["article-published", "send-notification", "deliver-notification-batch"];

    [Fact]
    public async Task Work_queues_and_their_error_queue_are_quorum_queues_by_default()
    {
        // An invalid CMS event lands in the error queue, which MassTransit declares on first use.
        await fixture.PublishRawAsync("""{"articleId":"quorum-check","title":"No sections","url":"https://news.example/x","sections":[]}""");
        var types = await LocalServices.QueueTypesAsync(fixture.Name);
        for (var deadline = DateTime.UtcNow + Timeout; !types.ContainsKey("article-published_error") && DateTime.UtcNow < deadline; await Task.Delay(200))
            types = await LocalServices.QueueTypesAsync(fixture.Name);

        foreach (var queue in WorkQueues.Append("article-published_error"))
            Assert.True(types.GetValueOrDefault(queue) == "quorum", $"{queue} is {types.GetValueOrDefault(queue) ?? "missing"}; queues: {string.Join(", ", types)}");
    }

    [Fact]
    public async Task Classic_queues_of_an_earlier_version_stop_a_worker_at_start_naming_the_key_unless_it_is_set_to_classic()
    {
        var name = $"alerts_qtype_{Guid.NewGuid():N}"[..26];
        await LocalServices.CreateDatabaseAsync(name);
        await LocalServices.CreateVirtualHostAsync(name);
        try
        {
            // As a version before quorum queues left it.
            var uri = LocalServices.RabbitMqVirtualHost(name);
            await using (var connection = await new ConnectionFactory { Uri = new Uri(uri) }.CreateConnectionAsync())
            await using (var channel = await connection.CreateChannelAsync())
                await channel.QueueDeclareAsync("deliver-notification-batch", durable: true, exclusive: false, autoDelete: false);

            var settings = new Dictionary<string, string?>(fixture.Settings)
            {
                ["ConnectionStrings:RabbitMq"] = uri,
                ["ConnectionStrings:Alerts"] = LocalServices.PostgresDatabase(name),
                ["Alerts:Roles"] = "Worker",
            };
            await using (var quorum = new AlertsServer(settings))
            {
                var error = await Assert.ThrowsAnyAsync<Exception>(() => quorum.WaitUntilReadyAsync(Timeout));
                var message = error.ToString();
                Assert.Contains($"'{QueueTypeOptions.Key}'", message);
                Assert.Contains("deliver-notification-batch", message);
                Assert.Contains($"{QueueTypeOptions.Key}=classic", message);
            }

            settings["Alerts:Transport:QueueType"] = "classic";
            await using (var classic = new AlertsServer(settings))
                await classic.WaitUntilReadyAsync(Timeout);
            var types = await LocalServices.QueueTypesAsync(name);
            foreach (var queue in WorkQueues) Assert.Equal("classic", types.GetValueOrDefault(queue));
        }
        finally
        {
            await LocalServices.DeleteVirtualHostAsync(name);
            await LocalServices.DropDatabaseAsync(name);
        }
    }
}
