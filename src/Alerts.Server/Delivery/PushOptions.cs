namespace Alerts.Delivery;

/// <summary>How pushes are sent (Alerts:Push).</summary>
public sealed class PushOptions
{
    public const string SectionKey = "Alerts:Push";

    public static readonly string[] DefaultAllowedOrigins =
    [
        "https://fcm.googleapis.com",
        "https://updates.push.services.mozilla.com",
        "https://*.push.apple.com",
        "https://*.notify.windows.com",
    ];

    /// <summary>Push service origins a subscription may point at; replaces the defaults when set.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Subscriptions per batch message: small enough to redo quickly, large enough to keep the bus light.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Pushes in flight at once per worker process, all push services together.</summary>
    public int MaxConcurrency { get; set; } = 256;

    /// <summary>Pushes in flight at once per worker process to one push service host (and its HTTP/1.1 connections).</summary>
    public int MaxConcurrencyPerHost { get; set; } = 64;

    /// <summary>The first retry's back-off after a 429, 406, 5xx, timeout or network error; it doubles per attempt.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest exponential back-off between retries (a longer Retry-After is still honoured). Retries go on until the TTL.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a worker holds the readers it claimed; if it dies, another worker takes them after this.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>On SIGTERM, how long pushes in flight may finish before the worker hands them back and exits.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Other 4xx answers in a row after which a subscription is removed.</summary>
    public int MaxConsecutiveFailures { get; set; } = 3;

    /// <summary>
    /// A subscription whose browser reported showing none of its last this many pushes, over at least
    /// <see cref="SilentReaders.MinimumSpan"/>, is removed as silent (0: never).
    /// </summary>
    public int SilentAfterPushes { get; set; } = 10;

    /// <summary>
    /// Pushes a minute each article's fan-out is spread at, so the site survives the click spike (unset:
    /// as fast as possible). Breaking articles are not throttled; an editor's alert sets its own.
    /// </summary>
    public int? ArticleThrottlePerMinute { get; set; }

    public int ArticleTtlSeconds { get; set; } = 6 * 3600;
    public int BreakingTtlSeconds { get; set; } = 3600;
    public int DigestTtlSeconds { get; set; } = 12 * 3600;

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Absolute URL of the icon shown with every notification; none when unset.</summary>
    public string? IconUrl { get; set; }

    /// <summary>
    /// Push service hosts whose subscriptions get a Declarative Web Push message (Safari 18.4+ shows it even
    /// without the service worker): a host, or "*.domain" for its subdomains. Replaces the default when set.
    /// </summary>
    public List<string> DeclarativePushHosts { get; set; } = [];

    public static readonly string[] DefaultDeclarativePushHosts = ["*.push.apple.com"];

    public IReadOnlyList<string> EffectiveDeclarativePushHosts => DeclarativePushHosts.Count > 0 ? DeclarativePushHosts : DefaultDeclarativePushHosts;

    /// <summary>Whether a subscription's endpoint is on a push service that takes declarative messages.</summary>
    public bool IsDeclarative(string endpoint)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)) return false;
        var host = uri.IdnHost;
        foreach (var pattern in EffectiveDeclarativePushHosts)
        {
            if (pattern.StartsWith("*.", StringComparison.Ordinal)
                ? host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase)
                : host.Equals(pattern, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    public IReadOnlyList<string> EffectiveAllowedOrigins => AllowedOrigins.Count > 0 ? AllowedOrigins : DefaultAllowedOrigins;
}

internal sealed class PushOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<PushOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, PushOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.AllowedOrigins.Count; i++)
        {
            if (!PushEndpointPolicy.TryParsePattern(options.AllowedOrigins[i], out _, out var why))
                errors.Add($"Configuration key '{PushOptions.SectionKey}:AllowedOrigins:{i}' is not a push service origin: {why}");
        }
        for (var i = 0; i < options.DeclarativePushHosts.Count; i++)
        {
            var host = options.DeclarativePushHosts[i];
            var bare = host?.StartsWith("*.", StringComparison.Ordinal) == true ? host[2..] : host;
            if (string.IsNullOrWhiteSpace(bare) || Uri.CheckHostName(bare) == UriHostNameType.Unknown)
                errors.Add($"Configuration key '{PushOptions.SectionKey}:DeclarativePushHosts:{i}' must be a host name or '*.domain' (got '{host}').");
        }
        if (options.BatchSize is < 1 or > 10_000) errors.Add($"Configuration key '{PushOptions.SectionKey}:BatchSize' must be between 1 and 10000.");
        if (options.MaxConcurrency is < 1 or > 4096) errors.Add($"Configuration key '{PushOptions.SectionKey}:MaxConcurrency' must be between 1 and 4096.");
        if (options.MaxConcurrencyPerHost is < 1 or > 4096) errors.Add($"Configuration key '{PushOptions.SectionKey}:MaxConcurrencyPerHost' must be between 1 and 4096.");
        if (options.RetryBaseDelay < TimeSpan.FromMilliseconds(100) || options.RetryBaseDelay > options.MaxRetryDelay)
            errors.Add($"Configuration key '{PushOptions.SectionKey}:RetryBaseDelay' must be at least 00:00:00.1 and at most MaxRetryDelay.");
        if (options.RequestTimeout < TimeSpan.FromSeconds(1))
            errors.Add($"Configuration key '{PushOptions.SectionKey}:RequestTimeout' must be at least 00:00:01.");
        if (options.ClaimLease < TimeSpan.FromSeconds(10) || options.ClaimLease < 2 * options.RequestTimeout)
            errors.Add($"Configuration key '{PushOptions.SectionKey}:ClaimLease' must be at least 00:00:10 and twice RequestTimeout.");
        if (options.DrainTimeout < TimeSpan.Zero || options.DrainTimeout > TimeSpan.FromMinutes(10))
            errors.Add($"Configuration key '{PushOptions.SectionKey}:DrainTimeout' must be between 00:00:00 and 00:10:00.");
        if (options.ArticleThrottlePerMinute is < 1 or > Pacing.MaxPerMinute)
            errors.Add($"Configuration key '{PushOptions.SectionKey}:ArticleThrottlePerMinute' must be between 1 and {Pacing.MaxPerMinute}, or unset to send articles as fast as possible.");
        if (options.MaxConsecutiveFailures < 1) errors.Add($"Configuration key '{PushOptions.SectionKey}:MaxConsecutiveFailures' must be at least 1.");
        if (options.SilentAfterPushes != 0 && options.SilentAfterPushes is < 3 or > 1000)
            errors.Add($"Configuration key '{PushOptions.SectionKey}:SilentAfterPushes' must be 0 (never remove silent readers) or between 3 and 1000.");
        foreach (var (key, ttl) in new[] { ("ArticleTtlSeconds", options.ArticleTtlSeconds), ("BreakingTtlSeconds", options.BreakingTtlSeconds), ("DigestTtlSeconds", options.DigestTtlSeconds) })
            if (ttl is < 0 or > 2_419_200) errors.Add($"Configuration key '{PushOptions.SectionKey}:{key}' must be between 0 and 2419200 (28 days).");
        return errors.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(errors);
    }
}
