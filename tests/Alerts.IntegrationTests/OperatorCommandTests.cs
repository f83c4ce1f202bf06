using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Alerts.IntegrationTests.Infrastructure;
using Alerts.Operations;
using Npgsql;
using RabbitMQ.Client;

namespace Alerts.IntegrationTests;

/// <summary>
/// The operator's commands against the real PostgreSQL and RabbitMQ (a database and a virtual host of
/// their own) and a SQLite file: each does its one job and exits, without starting a server.
/// </summary>
public sealed class OperatorCommandTests : IAsyncLifetime
{
    private readonly string _name = $"alerts_cli_{Guid.NewGuid():N}"[..27];
    private readonly string _sqliteFile = Path.Combine(Path.GetTempPath(), $"alerts-cli-{Guid.NewGuid():N}.db");

    public async Task InitializeAsync()
    {
        await LocalServices.CreateDatabaseAsync(_name);
        await LocalServices.CreateVirtualHostAsync(_name);
    }

    public async Task DisposeAsync()
    {
        await LocalServices.DeleteVirtualHostAsync(_name);
        await LocalServices.DropDatabaseAsync(_name);
        foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(_sqliteFile) + "*")) File.Delete(file);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await OperatorCommands.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Migrate_applies_the_postgres_schema_and_hangfire_then_reports_up_to_date()
    {
        var connection = LocalServices.PostgresDatabase(_name);

        var first = await RunAsync("migrate", "--Alerts:Storage=Postgres", $"--ConnectionStrings:Alerts={connection}");
        var second = await RunAsync("migrate", "--Alerts:Storage=Postgres", $"--ConnectionStrings:Alerts={connection}");

        Assert.True(first.Exit == 0, first.Error);
        Assert.Matches(@"^Applied \d+ migration\(s\) to the Postgres store: \d+_Initial", first.Output);
        Assert.Equal(0, second.Exit);
        Assert.Equal("The Postgres store is up to date.", second.Output.Trim());
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        Assert.True((long)(await new NpgsqlCommand("SELECT count(*) FROM \"__EFMigrationsHistory\"", db).ExecuteScalarAsync())! >= 1);
        Assert.Equal(1L, await new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'hangfire' AND table_name = 'job'", db).ExecuteScalarAsync());
        Assert.Equal(0L, await new NpgsqlCommand("SELECT count(*) FROM hangfire.server", db).ExecuteScalarAsync());
    }

    [Fact]
    public async Task Migrate_without_a_connection_string_fails_naming_the_key()
    {
        var (exit, output, error) = await RunAsync("migrate", "--Alerts:Storage=Postgres");

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Contains("migrate: Configuration key 'ConnectionStrings:Alerts' is required", error);
    }

    [Fact]
    public async Task Imported_subscribers_get_the_next_article_and_bad_lines_are_reported_by_number()
    {
        await using var push = await FakePushService.StartAsync(AlertsServer.VapidSubject);
        var reader = TestSubscriber.Create();
        var digestReader = TestSubscriber.Create();
        var file = Path.Combine(Path.GetTempPath(), $"alerts-import-{Guid.NewGuid():N}.ndjson");
        await File.WriteAllLinesAsync(file,
        [
            Line(push, reader, ["world"], new { mode = "instant" }),
            Line(push, digestReader, ["world", "sports"], new { mode = "digest", at = "08:00" }),
            "",
            Line(push, reader, ["world", "business"], new { mode = "instant" }),
            Line(push, TestSubscriber.Create(), ["cricket"], new { mode = "instant" }),
            "{\"subscription\": ",
        ]);
        var settings = new[] { $"--ConnectionStrings:Alerts=Data Source={_sqliteFile}", $"--Alerts:Push:AllowedOrigins:0={push.Origin}" };

        try
        {
            Assert.Equal(0, (await RunAsync(["migrate", .. settings])).Exit);
            var (exit, output, error) = await RunAsync(["import-subscriptions", file, .. settings]);

            Assert.Equal(2, exit);
            var result = JsonDocument.Parse(output).RootElement;
            Assert.Equal(2, result.GetProperty("imported").GetInt32());
            Assert.Equal(1, result.GetProperty("updated").GetInt32());
            Assert.Equal(2, result.GetProperty("rejected").GetInt32());
            var errors = result.GetProperty("errors").EnumerateArray().ToList();
            Assert.Equal([5, 6], errors.Select(e => e.GetProperty("line").GetInt32()));
            Assert.Contains("'cricket' is not a section", errors[0].GetProperty("detail").GetString());
            Assert.Contains("not a JSON subscribe body", errors[1].GetProperty("detail").GetString());
            Assert.Contains("line 5: sections:", error);
        }
        finally
        {
            File.Delete(file);
        }

        var serverSettings = AlertsServer.BaseSettings(push);
        serverSettings["ConnectionStrings:Alerts"] = $"Data Source={_sqliteFile}";
        await using var server = new AlertsServer(serverSettings);
        await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        var article = new { articleId = "business-import", title = "Markets open higher", url = "https://news.example/business/1", sections = new[] { "business" } };
        Assert.Equal(HttpStatusCode.Accepted, (await server.Editor().PostAsJsonAsync("/api/articles", article)).StatusCode);
        await push.WaitForDeliveredAsync(1, TimeSpan.FromSeconds(20));
        Assert.Equal("Markets open higher", Assert.Single(push.ReceivedBy(reader)).Payload.GetProperty("title").GetString());
        Assert.Empty(push.ReceivedBy(digestReader));
    }

    [Fact]
    public async Task Import_into_a_store_never_migrated_asks_for_migrate_first()
    {
        var file = Path.GetTempFileName();
        try
        {
            var (exit, output, error) = await RunAsync("import-subscriptions", file, $"--ConnectionStrings:Alerts=Data Source={_sqliteFile}");

            Assert.Equal(1, exit);
            Assert.Empty(output);
            Assert.Contains("run the migrate command first", error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Redrive_moves_each_error_message_back_unchanged_and_counts_them()
    {
        var uri = LocalServices.RabbitMqVirtualHost(_name);
        await using var connection = await new ConnectionFactory { Uri = new Uri(uri) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        await channel.QueueDeclareAsync("article-published", durable: true, exclusive: false, autoDelete: false);
        await channel.QueueDeclareAsync("article-published_error", durable: true, exclusive: false, autoDelete: false);
        for (var i = 1; i <= 3; i++)
        {
            var properties = new BasicProperties
            {
                ContentType = "application/json", Persistent = true, MessageId = $"m{i}",
                Headers = new Dictionary<string, object?> { ["MT-Fault-Message"] = "sections: 'cricket' is not a section" },
            };
            await channel.BasicPublishAsync("", "article-published_error", true, properties, Encoding.UTF8.GetBytes($"{{\"articleId\":\"a{i}\"}}"));
        }

        var (exit, output, error) = await RunAsync("redrive-errors", "article-published_error", $"--ConnectionStrings:RabbitMq={uri}");
        var again = await RunAsync("redrive-errors", "article-published", $"--ConnectionStrings:RabbitMq={uri}");

        Assert.True(exit == 0, error);
        Assert.Equal("Moved 3 message(s) from article-published_error to article-published.", output.Trim());
        Assert.Equal("Moved 0 message(s) from article-published_error to article-published.", again.Output.Trim());
        var moved = new List<BasicGetResult>();
        while (await channel.BasicGetAsync("article-published", autoAck: true) is { } message) moved.Add(message);
        Assert.Equal(["m1", "m2", "m3"], moved.Select(m => m.BasicProperties.MessageId));
        Assert.Equal("{\"articleId\":\"a2\"}", Encoding.UTF8.GetString(moved[1].Body.Span));
        Assert.Equal("application/json", moved[0].BasicProperties.ContentType);
        Assert.True(moved[0].BasicProperties.Persistent);
        Assert.True(moved[0].BasicProperties.Headers!.ContainsKey("MT-Fault-Message"));
        Assert.Equal(0u, (await channel.QueueDeclarePassiveAsync("article-published_error")).MessageCount);
    }

    [Fact]
    public async Task Redrive_of_an_unknown_queue_fails_saying_so()
    {
        var (exit, output, error) = await RunAsync("redrive-errors", "no-such-queue", $"--ConnectionStrings:RabbitMq={LocalServices.RabbitMqVirtualHost(_name)}");

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Contains("There is no queue no-such-queue", error);
    }

    private static string Line(FakePushService push, TestSubscriber subscriber, string[] sections, object delivery) =>
        JsonSerializer.Serialize(new
        {
            subscription = new { endpoint = push.EndpointFor(subscriber), expirationTime = (object?)null, keys = new { p256dh = subscriber.P256dh, auth = subscriber.Auth } },
            sections,
            delivery,
            timeZone = "Asia/Karachi",
        });
}
