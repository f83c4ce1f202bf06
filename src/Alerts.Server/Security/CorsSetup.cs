using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace Alerts.Security;

/// <summary>Alerts:Cors: the publisher sites that may call the public API from alerts.js.</summary>
public sealed class PublisherSitesOptions
{
    public const string SectionKey = "Alerts:Cors";

    /// <summary>Site origins such as https://news.example.com.</summary>
    public List<string> AllowedOrigins { get; set; } = [];
}

internal sealed class PublisherSitesOptionsValidator : IValidateOptions<PublisherSitesOptions>
{
    public ValidateOptionsResult Validate(string? name, PublisherSitesOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.AllowedOrigins.Count; i++)
            if (!CorsSetup.TryParseOrigin(options.AllowedOrigins[i], out _))
                errors.Add($"Configuration key '{PublisherSitesOptions.SectionKey}:AllowedOrigins:{i}' must be a site origin such as https://news.example.com.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

public static class CorsSetup
{
    public const string PublicPolicy = "publisher-sites";

    public static IServiceCollection AddAlertsCors(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PublisherSitesOptions>().BindConfiguration(PublisherSitesOptions.SectionKey).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PublisherSitesOptions>, PublisherSitesOptionsValidator>();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<PublisherSitesOptions>>((cors, sites) =>
        {
            var origins = sites.Value.AllowedOrigins.Select(o => TryParseOrigin(o, out var origin) ? origin : null).OfType<string>().ToArray();
            cors.AddPolicy(PublicPolicy, policy => policy
                .WithOrigins(origins).WithMethods("GET", "POST", "PUT", "DELETE").WithHeaders("Authorization", "Content-Type", "Accept"));
        });
        return services;
    }

    internal static bool TryParseOrigin(string value, out string origin)
    {
        origin = "";
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.AbsolutePath != "/") return false;
        origin = uri.GetLeftPart(UriPartial.Authority);
        return true;
    }
}
