using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Alerts.Digests;

/// <summary>
/// Absolute links to pages on this service for pushes sent outside any request (digests run on the
/// Scheduler). Alerts:PublicBaseUrl when set; otherwise the first address this process listens on,
/// with a wildcard host read as localhost — right on a laptop, wrong behind a proxy, hence the warning.
/// </summary>
public sealed class PublicLinks(IOptions<PublicSiteOptions> options, IServiceProvider services, ILogger<PublicLinks> logger)
{
    public const string LastResort = "http://localhost:5080";
    private string? _base;

    public string BaseUrl => _base ??= Resolve();

    public string Digest(Guid id) => $"{BaseUrl}/digest/{id}";

    private string Resolve()
    {
        if (options.Value.PublicBaseUrl is { Length: > 0 } configured) return configured.Trim().TrimEnd('/');
        var address = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var fallback = LastResort;
        if (address is not null && Uri.TryCreate(address.Replace("://+", "://localhost").Replace("://*", "://localhost")
                .Replace("://0.0.0.0", "://localhost").Replace("://[::]", "://localhost"), UriKind.Absolute, out var uri))
            fallback = uri.GetLeftPart(UriPartial.Authority);
        logger.LogWarning("{Key} is not set; digest links point at {BaseUrl}. Set it to the address readers use.", PublicSiteOptions.Key, fallback);
        return fallback;
    }
}
