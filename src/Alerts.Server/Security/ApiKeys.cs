using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Alerts.Security;

public sealed class ApiKey
{
    public string Name { get; set; } = "";
    public string Key { get; set; } = "";
    public string Role { get; set; } = "";

    // Never print the key.
    public override string ToString() => $"{Name} ({Role})";
}

/// <summary>Alerts:ApiKeys: the keys editors, the CMS and administrators use.</summary>
public sealed class ApiKeyOptions
{
    public const string SectionKey = "Alerts:ApiKeys";
    public const string EditorRole = "Editor";
    public const string AdminRole = "Admin";
    public const int MinimumKeyLength = 16;

    public List<ApiKey> Keys { get; set; } = [];

    public static ApiKeyOptions From(IConfiguration configuration) =>
        new() { Keys = configuration.GetSection(SectionKey).Get<List<ApiKey>>() ?? [] };

    public IEnumerable<string> Validate()
    {
        for (var i = 0; i < Keys.Count; i++)
        {
            var key = Keys[i];
            var prefix = $"Configuration key '{SectionKey}:{i}";
            if (string.IsNullOrWhiteSpace(key.Name)) yield return $"{prefix}:Name' is required.";
            if (string.IsNullOrEmpty(key.Key) || key.Key.Length < MinimumKeyLength)
                yield return $"{prefix}:Key' must be at least {MinimumKeyLength} characters.";
            if (key.Role is not (EditorRole or AdminRole)) yield return $"{prefix}:Role' must be {EditorRole} or {AdminRole}.";
            if (Keys.Take(i).Any(k => k.Key == key.Key)) yield return $"{prefix}:Key' repeats another key.";
        }
    }
}

public static class ApiKeyDefaults
{
    public const string Scheme = "ApiKey";
    public const string EditorPolicy = "Editor";
    public const string AdminPolicy = "Admin";
}

/// <summary>
/// Authenticates "Authorization: Bearer &lt;api key&gt;". Keys are compared by their SHA-256 in constant
/// time, so neither timing nor logs reveal them; failures answer problem+json.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyOptions keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private readonly (byte[] Hash, ApiKey Key)[] _keys =
        keys.Keys.Select(k => (SHA256.HashData(Encoding.UTF8.GetBytes(k.Key)), k)).ToArray();

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = BearerToken.From(Request);
        if (presented is null) return Task.FromResult(AuthenticateResult.NoResult());

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        ApiKey? match = null;
        foreach (var (candidate, key) in _keys)
            if (CryptographicOperations.FixedTimeEquals(hash, candidate)) match = key;
        if (match is null) return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, match.Name), new Claim(ClaimTypes.Role, match.Role)], ApiKeyDefaults.Scheme);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ApiKeyDefaults.Scheme)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblem(StatusCodes.Status401Unauthorized, "Authentication required",
            Request.Headers.Authorization.Count == 0
                ? "Send an API key as 'Authorization: Bearer <key>'."
                : "The API key is not valid.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblem(StatusCodes.Status403Forbidden, "Not allowed", "This API key's role may not do this.");

    private Task WriteProblem(int status, string title, string detail) =>
        Results.Problem(detail, statusCode: status, title: title).ExecuteAsync(Context);
}

public static class ApiKeyExtensions
{
    public static IServiceCollection AddApiKeyAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var keys = ApiKeyOptions.From(configuration);
        var errors = keys.Validate().ToList();
        if (errors.Count > 0) throw new OptionsValidationException(ApiKeyOptions.SectionKey, typeof(ApiKeyOptions), errors);
        services.AddSingleton(keys);
        services.AddAuthentication(ApiKeyDefaults.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyDefaults.EditorPolicy, p => p.RequireRole(ApiKeyOptions.EditorRole, ApiKeyOptions.AdminRole))
            .AddPolicy(ApiKeyDefaults.AdminPolicy, p => p.RequireRole(ApiKeyOptions.AdminRole));
        return services;
    }

    /// <summary>The API key name of the caller, for the audit trail.</summary>
    public static string KeyName(this ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}
