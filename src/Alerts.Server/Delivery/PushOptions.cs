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

    /// <summary>Pushes in flight at once per worker process.</summary>
    public int MaxConcurrency { get; set; } = 64;

    /// <summary>Attempts per push for 429 and 5xx answers before it counts as failed.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The longest wait honoured from a Retry-After header or back-off.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Other 4xx answers in a row after which a subscription is removed.</summary>
    public int MaxConsecutiveFailures { get; set; } = 3;

    public int ArticleTtlSeconds { get; set; } = 6 * 3600;
    public int BreakingTtlSeconds { get; set; } = 3600;
    public int DigestTtlSeconds { get; set; } = 12 * 3600;

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Absolute URL of the icon shown with every notification; none when unset.</summary>
    public string? IconUrl { get; set; }

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
        if (options.BatchSize is < 1 or > 10_000) errors.Add($"Configuration key '{PushOptions.SectionKey}:BatchSize' must be between 1 and 10000.");
        if (options.MaxConcurrency is < 1 or > 4096) errors.Add($"Configuration key '{PushOptions.SectionKey}:MaxConcurrency' must be between 1 and 4096.");
        if (options.MaxAttempts is < 1 or > 50) errors.Add($"Configuration key '{PushOptions.SectionKey}:MaxAttempts' must be between 1 and 50.");
        if (options.MaxConsecutiveFailures < 1) errors.Add($"Configuration key '{PushOptions.SectionKey}:MaxConsecutiveFailures' must be at least 1.");
        foreach (var (key, ttl) in new[] { ("ArticleTtlSeconds", options.ArticleTtlSeconds), ("BreakingTtlSeconds", options.BreakingTtlSeconds), ("DigestTtlSeconds", options.DigestTtlSeconds) })
            if (ttl is < 0 or > 2_419_200) errors.Add($"Configuration key '{PushOptions.SectionKey}:{key}' must be between 0 and 2419200 (28 days).");
        return errors.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(errors);
    }
}
