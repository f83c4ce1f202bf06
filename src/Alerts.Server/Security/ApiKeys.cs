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
    public const double MinimumEntropyBits = 128;

    /// <summary>Words that mark a documented example or a value nobody replaced.</summary>
    public static readonly string[] PlaceholderWords = ["change-me", "changeme", "change_me", "example", "secret", "password", "placeholder", "default"];

    public List<ApiKey> Keys { get; set; } = [];

    public static ApiKeyOptions From(IConfiguration configuration) =>
        new() { Keys = configuration.GetSection(SectionKey).Get<List<ApiKey>>() ?? [] };

    /// <summary>Every mistake, naming the key and never printing the secret.</summary>
    public IEnumerable<string> Validate()
    {
        for (var i = 0; i < Keys.Count; i++)
        {
            var key = Keys[i];
            var prefix = $"Configuration key '{SectionKey}:{i}";
            if (string.IsNullOrWhiteSpace(key.Name)) yield return $"{prefix}:Name' is required.";
            else if (Keys.Take(i).Any(k => string.Equals(k.Name?.Trim(), key.Name.Trim(), StringComparison.OrdinalIgnoreCase)))
                yield return $"{prefix}:Name' repeats the name '{key.Name}': the audit trail tells senders apart by name.";
            if (string.IsNullOrEmpty(key.Key) || key.Key.Length < MinimumKeyLength)
                yield return $"{prefix}:Key' must be at least {MinimumKeyLength} characters.";
            else if (PlaceholderWords.FirstOrDefault(w => key.Key.Contains(w, StringComparison.OrdinalIgnoreCase)) is { } word)
                yield return $"{prefix}:Key' looks like a placeholder (it contains '{word}'); generate one, e.g. with 'openssl rand -base64 32'.";
            else if (EstimatedEntropyBits(key.Key) < MinimumEntropyBits)
                yield return $"{prefix}:Key' is too weak (about {EstimatedEntropyBits(key.Key):0} bits, at least {MinimumEntropyBits:0} needed); generate one, e.g. with 'openssl rand -base64 32'.";
            if (key.Role is not (EditorRole or AdminRole)) yield return $"{prefix}:Role' must be {EditorRole} or {AdminRole}.";
            if (Keys.Take(i).Any(k => k.Key == key.Key)) yield return $"{prefix}:Key' repeats another key.";
        }
    }

    /// <summary>
    /// A rough upper bound on a key's strength: its length times log2 of the alphabet its characters
    /// come from (lower case, upper case, digits, other). 32 random bytes in base64 give about 260 bits.
    /// </summary>
    public static double EstimatedEntropyBits(string key)
    {
        var alphabet = 0;
        if (key.Any(char.IsAsciiLetterLower)) alphabet += 26;
        if (key.Any(char.IsAsciiLetterUpper)) alphabet += 26;
        if (key.Any(char.IsAsciiDigit)) alphabet += 10;
        if (key.Any(c => !char.IsAsciiLetterOrDigit(c))) alphabet += 33;
        return alphabet == 0 ? 0 : key.Length * Math.Log2(alphabet);
    }
}

internal sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        var errors = options.Validate().ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
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
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptions<ApiKeyOptions> keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private readonly (byte[] Hash, ApiKey Key)[] _keys =
        keys.Value.Keys.Select(k => (SHA256.HashData(Encoding.UTF8.GetBytes(k.Key)), k)).ToArray();

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
        // Alerts:ApiKeys is a list, so it is bound as the options' Keys; checked when the host starts.
        services.AddOptions<ApiKeyOptions>().Configure(keys => keys.Keys = ApiKeyOptions.From(configuration).Keys).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();
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
