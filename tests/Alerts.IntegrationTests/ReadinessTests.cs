using System.Net;
using System.Text.Json;
using Alerts.IntegrationTests.Infrastructure;

namespace Alerts.IntegrationTests;

/// <summary>/health/ready names each dependency with its own status; the status code says ready or not.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task Ready_reports_store_bus_and_hangfire_separately_in_every_role_mode()
    {
        var database = Path.Combine(Path.GetTempPath(), $"alerts-ready-{Guid.NewGuid():N}.db");
        await using var push = await FakePushService.StartAsync(AlertsServer.VapidSubject);
        var settings = AlertsServer.BaseSettings(push);
        settings["ConnectionStrings:Alerts"] = $"Data Source={database}";
        await using var server = new AlertsServer(settings);
        await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));

        var (status, body) = await ReadyAsync(server);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks");
        Assert.Equal(["hangfire", "masstransit-bus", "store"], checks.EnumerateObject().Select(c => c.Name).Order());
        foreach (var check in checks.EnumerateObject()) Assert.Equal("Healthy", check.Value.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_lost_store_makes_the_pod_unready_and_the_body_says_it_is_the_store()
    {
        var name = $"alerts_ready_{Guid.NewGuid():N}"[..26];
        await LocalServices.CreateDatabaseAsync(name);
        await LocalServices.CreateVirtualHostAsync(name);
        try
        {
            await using var push = await FakePushService.StartAsync(AlertsServer.VapidSubject);
            var settings = AlertsServer.BaseSettings(push);
            settings["Alerts:Transport"] = "RabbitMq";
            settings["Alerts:Storage"] = "Postgres";
            settings["Alerts:Roles"] = "Api,Worker";
            settings["ConnectionStrings:RabbitMq"] = LocalServices.RabbitMqVirtualHost(name);
            settings["ConnectionStrings:Alerts"] = LocalServices.PostgresDatabase(name) + ";Timeout=2";
            await using var server = new AlertsServer(settings);
            await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));

            await LocalServices.DropDatabaseAsync(name);
            var (status, body) = await ReadyAsync(server);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
            var checks = body.GetProperty("checks");
            Assert.Equal("Unhealthy", checks.GetProperty("store").GetProperty("status").GetString());
            Assert.Equal("Healthy", checks.GetProperty("masstransit-bus").GetProperty("status").GetString());
            Assert.False(checks.TryGetProperty("hangfire", out _), "Without the Scheduler role there is no Hangfire check.");
            Assert.DoesNotContain("Password", body.ToString());
        }
        finally
        {
            await LocalServices.DeleteVirtualHostAsync(name);
            await LocalServices.DropDatabaseAsync(name);
        }
    }

    private static async Task<(HttpStatusCode, JsonElement)> ReadyAsync(AlertsServer server)
    {
        var response = await server.CreateClient().GetAsync("/health/ready");
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
