using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Alerts.IntegrationTests.Security;

/// <summary>The service calls out only to push services: MassTransit's usage telemetry is off.</summary>
public sealed class NoCallsHomeTests
{
    [Fact]
    public async Task MassTransit_usage_telemetry_is_off()
    {
        await using var server = await EmbeddedServer.StartAsync();

        var telemetry = server.Server.Services.GetRequiredService<IOptions<MassTransit.UsageTelemetryOptions>>().Value;

        Assert.False(telemetry.Enabled);
    }
}
