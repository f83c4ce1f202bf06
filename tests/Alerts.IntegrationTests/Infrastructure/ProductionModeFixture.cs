using System.Text;
using Alerts.Testing;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Alerts.IntegrationTests.Infrastructure;

/// <summary>
/// The service as a large publisher runs it: RabbitMQ transport and PostgreSQL store (its own database
/// and virtual host), with a fake push service that decrypts every push and checks VAPID.
/// </summary>
public class ProductionModeFixture : IAsyncLifetime
{
    private readonly string _name = $"alerts_test_{Guid.NewGuid():N}"[..28];

    public FakePushService Push { get; private set; } = null!;
    public AlertsServer Server { get; private set; } = null!;
    public string RabbitMqUri => LocalServices.RabbitMqVirtualHost(_name);
    /// <summary>This fixture's RabbitMQ virtual host (and PostgreSQL database) name.</summary>
    public string Name => _name;
    public string PostgresConnectionString => LocalServices.PostgresDatabase(_name);
    /// <summary>The settings the server was started with, to start another replica on the same store and bus.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; private set; } = new Dictionary<string, string?>();

    protected virtual void Configure(Dictionary<string, string?> settings) { }

    /// <summary>Replaces services in every server this fixture starts (for example the TimeProvider).</summary>
    protected virtual void ConfigureServices(IServiceCollection services) { }

    /// <summary>Another process of the same deployment: same database, same virtual host, same services.</summary>
    public async Task<AlertsServer> StartAnotherServerAsync(Action<IServiceCollection>? alsoConfigure = null)
    {
        var server = new AlertsServer(Settings, services =>
        {
            ConfigureServices(services);
            alsoConfigure?.Invoke(services);
        });
        await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        return server;
    }

    public virtual async Task InitializeAsync()
    {
        Push = await FakePushService.StartAsync(AlertsServer.VapidSubject);
        await LocalServices.CreateDatabaseAsync(_name);
        await LocalServices.CreateVirtualHostAsync(_name);
        var settings = AlertsServer.BaseSettings(Push);
        settings["Alerts:Transport"] = "RabbitMq";
        settings["Alerts:Storage"] = "Postgres";
        settings["ConnectionStrings:RabbitMq"] = RabbitMqUri;
        settings["ConnectionStrings:Alerts"] = PostgresConnectionString;
        Configure(settings);
        Settings = settings;
        Server = new AlertsServer(settings, ConfigureServices);
        await Server.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Publishes like a CMS does: raw JSON, persistent, to the article-published fanout exchange.</summary>
    public async Task PublishRawAsync(string json)
    {
        var factory = new ConnectionFactory { Uri = new Uri(RabbitMqUri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties { ContentType = "application/json", Persistent = true };
        await channel.BasicPublishAsync("article-published", "", mandatory: true, properties, Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Takes one message from a queue, or null when it stays empty for the timeout.</summary>
    public async Task<BasicGetResult?> GetFromQueueAsync(string queue, TimeSpan timeout)
    {
        var factory = new ConnectionFactory { Uri = new Uri(RabbitMqUri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var message = await channel.BasicGetAsync(queue, autoAck: true);
                if (message is not null) return message;
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                // The error queue is created with the first faulted message.
                await channel.CloseAsync();
                return await GetFromQueueAsync(queue, deadline - DateTime.UtcNow);
            }
            await Task.Delay(100);
        }
        return null;
    }

    public virtual async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Push.DisposeAsync();
        await LocalServices.DeleteVirtualHostAsync(_name);
        await LocalServices.DropDatabaseAsync(_name);
    }
}
