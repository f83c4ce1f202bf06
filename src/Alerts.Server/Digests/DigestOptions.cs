using Microsoft.Extensions.Options;

namespace Alerts.Digests;

/// <summary>Digests and the release of quiet-hours holds (Alerts:Digests).</summary>
public sealed class DigestOptions
{
    public const string SectionKey = "Alerts:Digests";

    /// <summary>How late a missed period may still be sent after downtime; older periods are skipped and logged.</summary>
    public TimeSpan CatchUpWindow { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The most stories one digest lists (the newest ones).</summary>
    public int MaxStories { get; set; } = 50;

    /// <summary>Headlines in the notification body; the page lists them all.</summary>
    public int HeadlinesInBody { get; set; } = 5;

    /// <summary>Readers whose quiet hours ended, released at once by one run of the quiet-hours job.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>
    /// Digest readers planned together: one transaction, a handful of statements and one notification
    /// (delivered in batches like an article) per page.
    /// </summary>
    public int PageSize { get; set; } = 1000;
}

/// <summary>Alerts:PublicBaseUrl: where readers reach this service, for links in pushes sent without a request.</summary>
public sealed class PublicSiteOptions
{
    public const string Key = "Alerts:PublicBaseUrl";

    public string? PublicBaseUrl { get; set; }
}

internal sealed class DigestOptionsValidator : IValidateOptions<DigestOptions>, IValidateOptions<PublicSiteOptions>
{
    public ValidateOptionsResult Validate(string? name, DigestOptions options)
    {
        var errors = new List<string>();
        if (options.CatchUpWindow < TimeSpan.Zero || options.CatchUpWindow > TimeSpan.FromDays(7))
            errors.Add($"Configuration key '{DigestOptions.SectionKey}:CatchUpWindow' must be a time span between 00:00:00 and 7.00:00:00 (for example 06:00:00).");
        if (options.MaxStories is < 1 or > 500)
            errors.Add($"Configuration key '{DigestOptions.SectionKey}:MaxStories' must be between 1 and 500.");
        if (options.HeadlinesInBody is < 1 or > 50)
            errors.Add($"Configuration key '{DigestOptions.SectionKey}:HeadlinesInBody' must be between 1 and 50.");
        if (options.MaxConcurrency is < 1 or > 256)
            errors.Add($"Configuration key '{DigestOptions.SectionKey}:MaxConcurrency' must be between 1 and 256.");
        if (options.PageSize is < 1 or > 10_000)
            errors.Add($"Configuration key '{DigestOptions.SectionKey}:PageSize' must be between 1 and 10000.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public ValidateOptionsResult Validate(string? name, PublicSiteOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.PublicBaseUrl)) return ValidateOptionsResult.Success;
        return Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" &&
               string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment) && string.IsNullOrEmpty(uri.UserInfo)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Configuration key '{PublicSiteOptions.Key}' must be an absolute http or https URL such as https://alerts.news.example (no query or credentials).");
    }
}
