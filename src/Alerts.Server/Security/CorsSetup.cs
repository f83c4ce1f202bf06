namespace Alerts.Security;

/// <summary>Publisher sites (Alerts:Cors:AllowedOrigins) may call the public API from alerts.js.</summary>
public static class CorsSetup
{
    public const string PublicPolicy = "publisher-sites";
    private const string Key = "Alerts:Cors:AllowedOrigins";

    public static IServiceCollection AddAlertsCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = configuration.GetSection(Key).Get<string[]>() ?? [];
        for (var i = 0; i < origins.Length; i++)
        {
            if (!Uri.TryCreate(origins[i], UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.AbsolutePath != "/")
                throw new InvalidOperationException($"Configuration key '{Key}:{i}' must be a site origin such as https://news.example.com.");
            origins[i] = uri.GetLeftPart(UriPartial.Authority);
        }
        services.AddCors(cors => cors.AddPolicy(PublicPolicy, policy => policy
            .WithOrigins(origins).WithMethods("GET", "POST", "PUT", "DELETE").WithHeaders("Authorization", "Content-Type", "Accept")));
        return services;
    }
}
