using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Alerts.Security;

/// <summary>
/// Alerts:ForwardedHeaders: the reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed.
/// None by default: the client is the connection's address, and forwarded headers are ignored.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public const string SectionKey = "Alerts:ForwardedHeaders";

    /// <summary>Proxy addresses, e.g. 10.0.0.5 or ::1.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, e.g. 10.0.0.0/8.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    public bool Enabled => KnownProxies.Count > 0 || KnownNetworks.Count > 0;
}

internal sealed class ForwardedHeadersSettingsValidator : IValidateOptions<ForwardedHeadersSettings>
{
    public ValidateOptionsResult Validate(string? name, ForwardedHeadersSettings options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.KnownProxies.Count; i++)
            if (!IPAddress.TryParse(options.KnownProxies[i], out _))
                errors.Add($"Configuration key '{ForwardedHeadersSettings.SectionKey}:KnownProxies:{i}' must be an IP address such as 10.0.0.5.");
        for (var i = 0; i < options.KnownNetworks.Count; i++)
            if (!System.Net.IPNetwork.TryParse(options.KnownNetworks[i], out _))
                errors.Add($"Configuration key '{ForwardedHeadersSettings.SectionKey}:KnownNetworks:{i}' must be a network in CIDR notation such as 10.0.0.0/8.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

public static class ForwardedHeadersSetup
{
    public static IServiceCollection AddAlertsForwardedHeaders(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersSettings>().BindConfiguration(ForwardedHeadersSettings.SectionKey).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ForwardedHeadersSettings>, ForwardedHeadersSettingsValidator>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((forwarded, settings) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies: not even loopback by default. Walk the chain from the
            // right while the hop is a known proxy; the first other address is the client.
            forwarded.ForwardLimit = null;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in settings.Value.KnownProxies)
                if (IPAddress.TryParse(proxy, out var address)) forwarded.KnownProxies.Add(address);
            foreach (var network in settings.Value.KnownNetworks)
                if (System.Net.IPNetwork.TryParse(network, out var parsed)) forwarded.KnownIPNetworks.Add(parsed);
        });
        return services;
    }

    public static IApplicationBuilder UseAlertsForwardedHeaders(this IApplicationBuilder app)
    {
        var settings = app.ApplicationServices.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value;
        return settings.Enabled ? app.UseForwardedHeaders() : app;
    }
}
