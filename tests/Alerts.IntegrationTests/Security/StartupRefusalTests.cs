namespace Alerts.IntegrationTests.Security;

/// <summary>The host does not start with a placeholder or weak API key, or two keys with one name; the error names the key.</summary>
public sealed class StartupRefusalTests
{
    [Theory]
    [InlineData("Alerts:ApiKeys:0:Key", "change-me-editor-key-Zx81bQ4mT7vL2", "'Alerts:ApiKeys:0:Key'")]
    [InlineData("Alerts:ApiKeys:1:Key", "my-editor-key-123456", "'Alerts:ApiKeys:1:Key'")]
    [InlineData("Alerts:ApiKeys:1:Name", "desk", "'Alerts:ApiKeys:1:Name'")]
    [InlineData("Alerts:ForwardedHeaders:KnownProxies:0", "proxy.internal", "'Alerts:ForwardedHeaders:KnownProxies:0'")]
    [InlineData("Alerts:Management:AllowedNetworks:0", "10.0.0.0/33", "'Alerts:Management:AllowedNetworks:0'")]
    [InlineData("Alerts:RateLimits:FailedAuthPerMinute", "0", "'Alerts:RateLimits:FailedAuthPerMinute'")]
    public async Task Bad_security_setting_stops_start_up_naming_the_key(string key, string value, string named)
    {
        await using var push = await FakePushService.StartAsync(AlertsServer.VapidSubject);
        var settings = AlertsServer.BaseSettings(push);
        settings["ConnectionStrings:Alerts"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"alerts-refusal-{Guid.NewGuid():N}.db")}";
        settings[key] = value;
        await using var server = new AlertsServer(settings);

        var error = Record.Exception(() => server.CreateClient());

        Assert.NotNull(error);
        Assert.Contains(named, error.ToString());
        if (key.EndsWith(":Key", StringComparison.Ordinal)) Assert.DoesNotContain(value, error.ToString());
    }
}
