namespace Alerts.Security;

/// <summary>Reads "Authorization: Bearer &lt;token&gt;": API keys and subscription tokens both travel this way.</summary>
public static class BearerToken
{
    public static string? From(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? header[prefix.Length..].Trim() : null;
    }
}
