using Alerts.Hosting;
using Alerts.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Alerts.UnitTests.Messaging;

/// <summary>ConnectionStrings:RabbitMq (one node or a cluster) and Alerts:Transport:QueueType.</summary>
public sealed class RabbitMqConfigurationTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void One_node_uri_stays_as_it_was()
    {
        var connection = RabbitMqConnection.Parse("amqp://user:secret@rabbit.internal:5673/alerts");

        Assert.False(connection.IsCluster);
        Assert.Equal([new RabbitMqNode("rabbit.internal", 5673)], connection.Nodes);
        Assert.Equal(new Uri("amqp://user:secret@rabbit.internal:5673/alerts"), connection.Uri);
    }

    [Fact]
    public void Comma_separated_hosts_are_a_cluster_sharing_credentials_and_virtual_host()
    {
        var connection = RabbitMqConnection.Parse("amqp://user:secret@10.0.0.1:5672, 10.0.0.2:5673,rabbit-3/alerts?heartbeat=30");

        Assert.True(connection.IsCluster);
        Assert.Equal([new RabbitMqNode("10.0.0.1", 5672), new RabbitMqNode("10.0.0.2", 5673), new RabbitMqNode("rabbit-3", 5672)], connection.Nodes);
        Assert.Equal("10.0.0.1", connection.Uri.Host);
        Assert.Equal("user:secret", connection.Uri.UserInfo);
        Assert.Equal("/alerts", connection.Uri.AbsolutePath);
        Assert.Equal("?heartbeat=30", connection.Uri.Query);
    }

    [Fact]
    public void Amqps_nodes_without_a_port_use_5671()
    {
        var connection = RabbitMqConnection.Parse("amqps://a.example,b.example/");
        Assert.Equal([new RabbitMqNode("a.example", 5671), new RabbitMqNode("b.example", 5671)], connection.Nodes);
    }

    [Fact]
    public void Missing_connection_string_is_the_local_broker()
    {
        var connection = RabbitMqConnection.From(Config());
        Assert.Equal([new RabbitMqNode("127.0.0.1", 5672)], connection.Nodes);
    }

    [Theory]
    [InlineData("http://rabbit:5672/")]
    [InlineData("rabbit:5672")]
    [InlineData("amqp://user:pw@a:5672,,b:5672/")]
    [InlineData("amqp://a:5672,b:notaport/")]
    [InlineData("amqp://a:5672,a:5672/")]
    [InlineData("amqp://[::1]:5672,b:5672/")]
    public void Bad_connection_string_names_its_key(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => RabbitMqConnection.From(Config(("ConnectionStrings:RabbitMq", value))));
        Assert.Contains("'ConnectionStrings:RabbitMq'", error.Message);
    }

    [Fact]
    public void Bad_connection_string_fails_while_services_are_registered()
    {
        var configuration = Config(("Alerts:Transport", "RabbitMq"), ("ConnectionStrings:RabbitMq", "amqp://a:5672,,b/"));
        var error = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection().AddAlertsMessaging(configuration, AlertsOptions.From(configuration)));
        Assert.Contains("'ConnectionStrings:RabbitMq'", error.Message);
    }

    [Theory]
    [InlineData(null, QueueType.Quorum)]
    [InlineData("quorum", QueueType.Quorum)]
    [InlineData("Classic", QueueType.Classic)]
    public void Queue_type_is_read_under_a_transport_key_that_keeps_its_value(string? queueType, QueueType expected)
    {
        var values = new List<(string, string)> { ("Alerts:Transport", "RabbitMq") };
        if (queueType is not null) values.Add(("Alerts:Transport:QueueType", queueType));
        var configuration = Config([.. values]);

        // Alerts:Transport=RabbitMq works exactly as before, with or without the child key.
        Assert.Equal(TransportKind.RabbitMq, AlertsOptions.From(configuration).Transport);
        Assert.Equal(expected, Options(configuration).Value.Type);
    }

    [Fact]
    public void Bad_queue_type_fails_at_start_naming_its_key()
    {
        var configuration = Config(("Alerts:Transport", "RabbitMq"), ("Alerts:Transport:QueueType", "mirrored"));
        var error = Assert.Throws<OptionsValidationException>(() => Options(configuration).Value);
        Assert.Contains("'Alerts:Transport:QueueType'", error.Message);
        Assert.Contains("classic or quorum", error.Message);
    }

    [Fact]
    public void In_memory_transport_ignores_the_queue_type()
    {
        var configuration = Config(("Alerts:Transport:QueueType", "mirrored"));
        var services = new ServiceCollection().AddLogging().AddAlertsMessaging(configuration, AlertsOptions.From(configuration)).BuildServiceProvider();
        Assert.Empty(services.GetServices<IValidateOptions<QueueTypeOptions>>());
    }

    private static IOptions<QueueTypeOptions> Options(IConfiguration configuration) =>
        new ServiceCollection().AddSingleton(configuration).AddLogging()
            .AddAlertsMessaging(configuration, AlertsOptions.From(configuration))
            .BuildServiceProvider().GetRequiredService<IOptions<QueueTypeOptions>>();
}
