using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Alerts.WebPush;
using Microsoft.Data.Sqlite;

namespace Alerts.IntegrationTests.Security;

/// <summary>What the store keeps: nothing of a reader after erasure; no VAPID private key when it is configured.</summary>
public sealed class StoredSecretsTests
{
    /// <summary>Every text value in every table of the SQLite store.</summary>
    private static async Task<List<string>> AllTextAsync(string databaseFile)
    {
        SqliteConnection.ClearAllPools();
        await using var connection = new SqliteConnection($"Data Source={databaseFile};Mode=ReadOnly");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var values = new List<string>();
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                for (var i = 0; i < reader.FieldCount; i++)
                    if (!reader.IsDBNull(i) && reader.GetValue(i) is string text) values.Add($"{table}: {text}");
        }
        return values;
    }

    [Fact]
    public async Task Deleting_a_subscription_leaves_no_row_with_its_endpoint_or_keys()
    {
        await using var server = await EmbeddedServer.StartAsync();
        var reader = TestSubscriber.Create();
        var created = await server.Server.SubscribeAsync(server.Push, reader, ["world"], new { mode = "digest", frequency = "daily", at = "08:00" });
        var before = await AllTextAsync(server.DatabaseFile);
        Assert.Contains(before, v => v.Contains(reader.Id.ToString()));

        var client = server.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Token);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/subscriptions/{created.Id}")).StatusCode);

        var after = await AllTextAsync(server.DatabaseFile);
        Assert.DoesNotContain(after, v => v.Contains(reader.Id.ToString()) || v.Contains(reader.P256dh) || v.Contains(reader.Auth));
        Assert.DoesNotContain(after, v => v.Contains(created.Id.ToString(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task After_erasure_only_anonymous_counts_remain()
    {
        await using var server = await EmbeddedServer.StartAsync();
        var reader = TestSubscriber.Create();
        var created = await server.Server.SubscribeAsync(server.Push, reader, ["world"]);
        var sent = await server.Server.Editor().PostAsJsonAsync("/api/alerts", new { title = "Erased later", body = "b", url = "https://news.example/e", sections = new[] { "world" } });
        var alertId = System.Text.Json.JsonDocument.Parse(await sent.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        await server.Push.WaitForDeliveredAsync(1, TimeSpan.FromSeconds(20));
        await server.Server.WaitForNotificationAsync(n => n.GetProperty("id").GetGuid() == alertId && n.GetProperty("sent").GetInt32() == 1, TimeSpan.FromSeconds(20));

        var client = server.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Token);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/subscriptions/{created.Id}")).StatusCode);

        var after = await AllTextAsync(server.DatabaseFile);
        Assert.DoesNotContain(after, v => v.Contains(reader.Id.ToString()) || v.Contains(reader.P256dh) || v.Contains(reader.Auth));
        // The subscription's id survives only as a reference nothing resolves any more (delivery rows,
        // which make the counts; a fan-out's position): no table that describes a reader keeps it.
        Assert.DoesNotContain(after, v => v.Contains(created.Id.ToString(), StringComparison.OrdinalIgnoreCase) &&
                                          (v.StartsWith("subscriptions:") || v.StartsWith("subscription_sections:") || v.StartsWith("digests:")));
        var alert = await server.Server.Editor().GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/alerts/{alertId}");
        Assert.Equal(1, alert.GetProperty("sent").GetInt32());
    }

    [Fact]
    public async Task Configured_vapid_keys_are_never_written_to_the_store()
    {
        var keys = VapidKeys.Generate();
        await using var server = await EmbeddedServer.StartAsync(s =>
        {
            s["Alerts:Vapid:PublicKey"] = keys.PublicKey;
            s["Alerts:Vapid:PrivateKey"] = keys.PrivateKey;
        });

        Assert.DoesNotContain(await AllTextAsync(server.DatabaseFile), v => v.Contains(keys.PrivateKey));
    }

    [Fact]
    public async Task Generated_vapid_keys_are_kept_in_the_store_as_documented()
    {
        await using var server = await EmbeddedServer.StartAsync();

        Assert.Contains(await AllTextAsync(server.DatabaseFile), v => v.StartsWith("settings: vapid.private-key", StringComparison.Ordinal));
    }
}
