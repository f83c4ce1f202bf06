using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Npgsql;

namespace Alerts.IntegrationTests.Infrastructure;

/// <summary>
/// The real RabbitMQ and PostgreSQL that deploy/local/services.sh starts. Every fixture gets its own
/// database and its own RabbitMQ virtual host, so test classes never see each other's messages or rows.
/// </summary>
public static class LocalServices
{
    public const string PostgresServer = "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres";
    private const string RabbitManagement = "http://127.0.0.1:15672";
    private static readonly HttpClient Management = CreateManagementClient();

    public static string PostgresDatabase(string database) => $"{PostgresServer};Database={database};Include Error Detail=true";

    public static string RabbitMqVirtualHost(string vhost) => $"amqp://guest:guest@127.0.0.1:5672/{Uri.EscapeDataString(vhost)}";

    public static async Task CreateDatabaseAsync(string database)
    {
        await using var connection = new NpgsqlConnection($"{PostgresServer};Database=postgres");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task DropDatabaseAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection($"{PostgresServer};Database=postgres");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task CreateVirtualHostAsync(string vhost)
    {
        var name = Uri.EscapeDataString(vhost);
        (await Management.PutAsync($"/api/vhosts/{name}", JsonContent.Create(new { }))).EnsureSuccessStatusCode();
        (await Management.PutAsync($"/api/permissions/{name}/guest",
            JsonContent.Create(new { configure = ".*", write = ".*", read = ".*" }))).EnsureSuccessStatusCode();
    }

    /// <summary>Takes the bus away from a virtual host's clients: no permissions, connections closed (they cannot reconnect).</summary>
    public static async Task CutOffVirtualHostAsync(string vhost)
    {
        var name = Uri.EscapeDataString(vhost);
        (await Management.DeleteAsync($"/api/permissions/{name}/guest")).EnsureSuccessStatusCode();
        // The management API lists a connection only once its statistics are in (every few seconds).
        var connections = new List<ConnectionInfo>();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); connections.Count == 0; await Task.Delay(200))
        {
            connections = await Management.GetFromJsonAsync<List<ConnectionInfo>>($"/api/vhosts/{name}/connections") ?? [];
            if (connections.Count == 0 && DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"Virtual host {vhost} has no connections to cut off.");
        }
        foreach (var connection in connections)
        {
            var closed = await Management.DeleteAsync($"/api/connections/{Uri.EscapeDataString(connection.Name)}");
            if (!closed.IsSuccessStatusCode)
                throw new InvalidOperationException($"Closing connection '{connection.Name}' answered {(int)closed.StatusCode}.");
        }
    }

    /// <summary>Gives a virtual host's clients their permissions back (after <see cref="CutOffVirtualHostAsync"/>).</summary>
    public static async Task RestoreVirtualHostAsync(string vhost) =>
        (await Management.PutAsync($"/api/permissions/{Uri.EscapeDataString(vhost)}/guest",
            JsonContent.Create(new { configure = ".*", write = ".*", read = ".*" }))).EnsureSuccessStatusCode();

    private sealed record ConnectionInfo(string Name);

    /// <summary>Every queue of a virtual host with its type (<c>classic</c>, <c>quorum</c>), from the management API.</summary>
    public static async Task<Dictionary<string, string>> QueueTypesAsync(string vhost)
    {
        var queues = await Management.GetFromJsonAsync<List<QueueInfo>>($"/api/queues/{Uri.EscapeDataString(vhost)}?columns=name,type") ?? [];
        return queues.ToDictionary(q => q.Name, q => q.Type);
    }

    private sealed record QueueInfo(string Name, string Type);

    public static async Task DeleteVirtualHostAsync(string vhost) =>
        await Management.DeleteAsync($"/api/vhosts/{Uri.EscapeDataString(vhost)}");

    private static HttpClient CreateManagementClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(RabbitManagement) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        return client;
    }
}
