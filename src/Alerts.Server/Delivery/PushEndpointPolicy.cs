using Microsoft.Extensions.Options;

namespace Alerts.Delivery;

/// <summary>
/// Decides whether a subscription endpoint may be pushed to: only allowed push service origins,
/// https on port 443 unless an origin with another scheme or port is listed explicitly, no credentials.
/// This keeps the service from being used to send requests to arbitrary hosts.
/// </summary>
public sealed class PushEndpointPolicy
{
    private readonly IReadOnlyList<OriginPattern> _patterns;

    public PushEndpointPolicy(IOptions<PushOptions> options)
        : this(options.Value.EffectiveAllowedOrigins) { }

    public PushEndpointPolicy(IEnumerable<string> allowedOrigins)
    {
        _patterns = allowedOrigins.Select(o => TryParsePattern(o, out var p, out var why) ? p : throw new ArgumentException(why)).ToList();
    }

    /// <summary>Null when allowed, otherwise why not.</summary>
    public string? Check(string endpoint) => Check(endpoint, out _);

    /// <summary>The same check, handing on the parsed endpoint (the dispatcher parses each endpoint once).</summary>
    public string? Check(string endpoint, out Uri? parsed)
    {
        parsed = null;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            return "must be an absolute https URL";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "must not contain credentials";
        if (!string.IsNullOrEmpty(uri.Fragment)) return "must not contain a fragment";
        foreach (var pattern in _patterns)
            if (pattern.Matches(uri))
            {
                parsed = uri;
                return null;
            }
        return $"points at {uri.Scheme}://{uri.Authority}, which is not an allowed push service";
    }

    internal static bool TryParsePattern(string value, out OriginPattern pattern, out string why)
    {
        pattern = default;
        why = "";
        var text = value?.Trim() ?? "";
        var wildcard = false;
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0 && text.AsSpan(schemeEnd + 3).StartsWith("*."))
        {
            wildcard = true;
            text = string.Concat(text.AsSpan(0, schemeEnd + 3), text.AsSpan(schemeEnd + 5));
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            why = $"'{value}' must look like https://push.example.com or https://*.push.example.com";
            return false;
        }
        if (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            why = $"'{value}' must be an origin only (no path, query or credentials)";
            return false;
        }
        pattern = new OriginPattern(uri.Scheme, uri.Host.ToLowerInvariant(), uri.Port, wildcard);
        return true;
    }

    internal readonly record struct OriginPattern(string Scheme, string Host, int Port, bool AnySubdomain)
    {
        public bool Matches(Uri endpoint)
        {
            if (endpoint.Scheme != Scheme || endpoint.Port != Port) return false;
            var host = endpoint.Host.ToLowerInvariant();
            return AnySubdomain ? host.EndsWith("." + Host, StringComparison.Ordinal) : host == Host;
        }
    }
}
