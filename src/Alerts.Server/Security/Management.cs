using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace Alerts.Security;

/// <summary>
/// Where /metrics and /health/* answer. With Alerts:ManagementUrls (e.g. http://127.0.0.1:9090) the
/// service also listens there and these routes answer on those ports only. Otherwise
/// Alerts:Management:AllowedNetworks (CIDR) limits them to loopback and those networks. With neither,
/// /metrics answers loopback only and the health checks answer everyone (probes come from the node).
/// </summary>
public sealed class ManagementOptions
{
    public const string UrlsKey = "Alerts:ManagementUrls";
    public const string SectionKey = "Alerts:Management";

    public List<string> Urls { get; set; } = [];

    /// <summary>Networks, besides loopback, that may read /metrics and the health checks.</summary>
    public List<string> AllowedNetworks { get; set; } = [];

    public static List<string> ReadUrls(IConfiguration configuration)
    {
        var section = configuration.GetSection(UrlsKey);
        var urls = section.GetChildren().Select(c => c.Value).OfType<string>().ToList();
        if (section.Value is { } single) urls.AddRange(single.Split(';', ',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return urls.Where(u => !string.IsNullOrWhiteSpace(u)).ToList();
    }

    internal IReadOnlyList<int> Ports => Urls.Select(u => new Uri(u).Port).Distinct().ToList();
}

internal sealed class ManagementOptionsValidator : IValidateOptions<ManagementOptions>
{
    public ValidateOptionsResult Validate(string? name, ManagementOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.Urls.Count; i++)
            if (!Uri.TryCreate(options.Urls[i], UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
                errors.Add($"Configuration key '{ManagementOptions.UrlsKey}' must list URLs such as http://127.0.0.1:9090 (got '{options.Urls[i]}').");
        for (var i = 0; i < options.AllowedNetworks.Count; i++)
            if (!System.Net.IPNetwork.TryParse(options.AllowedNetworks[i], out _))
                errors.Add($"Configuration key '{ManagementOptions.SectionKey}:AllowedNetworks:{i}' must be a network in CIDR notation such as 10.0.0.0/8.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

public static class ManagementSetup
{
    public static WebApplicationBuilder AddAlertsManagement(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddOptions<ManagementOptions>().BindConfiguration(ManagementOptions.SectionKey)
            .Configure(options => options.Urls = ManagementOptions.ReadUrls(configuration)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ManagementOptions>, ManagementOptionsValidator>();

        var management = ManagementOptions.ReadUrls(configuration);
        if (management.Count > 0 && management.All(u => Uri.TryCreate(u, UriKind.Absolute, out _)))
        {
            // Listen on the management URLs as well as the service's own (urls, or the http_ports a container sets).
            var urls = configuration[WebHostDefaults.ServerUrlsKey];
            if (string.IsNullOrWhiteSpace(urls))
                urls = configuration[WebHostDefaults.HttpPortsKey] is { Length: > 0 } ports
                    ? string.Join(';', ports.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => $"http://*:{p.Trim()}"))
                    : "http://localhost:5000";
            builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, string.Join(';', [urls, .. management]));
        }
        return builder;
    }

    /// <summary>Applies the rule above to the mapped management routes.</summary>
    public static TBuilder RestrictToManagement<TBuilder>(this TBuilder builder, IServiceProvider services, bool openByDefault)
        where TBuilder : IEndpointConventionBuilder
    {
        var options = services.GetRequiredService<IOptions<ManagementOptions>>().Value;
        builder.WithMetadata(ManagementRoute.Instance);
        if (options.Urls.Count > 0) builder.RequireHost(options.Ports.Select(p => $"*:{p}").ToArray());
        if (options.Urls.Count > 0 && options.AllowedNetworks.Count == 0) return builder;
        if (options.Urls.Count == 0 && options.AllowedNetworks.Count == 0 && openByDefault) return builder;
        return builder.WithMetadata(new ManagementNetworks(options.AllowedNetworks.Select(n => System.Net.IPNetwork.Parse(n)).ToList()));
    }

    /// <summary>
    /// After routing: a management route asked from elsewhere answers 404, as if it were not there; so
    /// does any other route asked on a management port.
    /// </summary>
    public static IApplicationBuilder UseManagementNetworks(this IApplicationBuilder app)
    {
        var managementPorts = app.ApplicationServices.GetRequiredService<IOptions<ManagementOptions>>().Value.Ports;
        return app.Use(async (http, next) =>
        {
            var endpoint = http.GetEndpoint();
            var refused = endpoint?.Metadata.GetMetadata<ManagementNetworks>() is { } networks
                ? !networks.Allows(http.Connection.RemoteIpAddress)
                : managementPorts.Contains(http.Connection.LocalPort) && endpoint?.Metadata.GetMetadata<ManagementRoute>() is null;
            if (refused)
            {
                await Results.Problem("Not found.", statusCode: StatusCodes.Status404NotFound, title: "Not found").ExecuteAsync(http);
                return;
            }
            await next(http);
        });
    }

    private sealed class ManagementRoute
    {
        public static readonly ManagementRoute Instance = new();
    }

    private sealed record ManagementNetworks(IReadOnlyList<System.Net.IPNetwork> Networks)
    {
        public bool Allows(IPAddress? address)
        {
            if (address is null) return false;
            if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
            return IPAddress.IsLoopback(address) || Networks.Any(n => n.Contains(address));
        }
    }
}
