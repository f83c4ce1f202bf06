using System.Text.RegularExpressions;

namespace Alerts.Sections;

public sealed record Section(string Id, string Name);

/// <summary>The site's sections (Alerts:Sections); readers subscribe to these and articles are filed under them.</summary>
public sealed partial class SectionCatalog
{
    public const string ConfigurationKey = "Alerts:Sections";

    public static readonly IReadOnlyList<Section> SeedSite =
    [
        new("pakistan", "Pakistan"), new("world", "World"), new("entertainment", "Entertainment"),
        new("lifestyle", "Lifestyle"), new("sports", "Sports"), new("business", "Business"),
        new("videos", "Videos"), new("tv-shows", "TV Shows"), new("health", "Health"),
    ];

    private readonly Dictionary<string, Section> _byId;

    public SectionCatalog(IReadOnlyList<Section> sections)
    {
        All = sections;
        _byId = sections.ToDictionary(s => s.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<Section> All { get; }

    public bool Contains(string id) => _byId.ContainsKey(id);

    public string NameOf(string id) => _byId.TryGetValue(id, out var section) ? section.Name : id;

    /// <summary>Reads and checks the configured sections; a mistake fails naming the key.</summary>
    public static SectionCatalog From(IConfiguration configuration)
    {
        var options = SectionOptions.From(configuration);
        var errors = Validate(options);
        if (errors.Count > 0) throw new InvalidOperationException(string.Join(" ", errors));
        return From(options);
    }

    public static SectionCatalog From(SectionOptions options) =>
        options.Sections.Count == 0 ? new SectionCatalog(SeedSite) : new SectionCatalog(options.Sections.Select(s => new Section(s.Id!, s.Name!.Trim())).ToList());

    internal static List<string> Validate(SectionOptions options)
    {
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < options.Sections.Count; index++)
        {
            var (id, name) = (options.Sections[index].Id, options.Sections[index].Name);
            if (string.IsNullOrWhiteSpace(id) || !SectionId().IsMatch(id))
                errors.Add($"Configuration key '{ConfigurationKey}:{index}:Id' must be lower-case letters, digits and dashes (got '{id}').");
            else if (!seen.Add(id))
                errors.Add($"Configuration key '{ConfigurationKey}:{index}:Id' repeats the section '{id}'.");
            if (string.IsNullOrWhiteSpace(name))
                errors.Add($"Configuration key '{ConfigurationKey}:{index}:Name' is required.");
        }
        return errors;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex SectionId();
}

/// <summary>Alerts:Sections, a list of {Id, Name}; bound as the options' Sections.</summary>
public sealed class SectionOptions
{
    public sealed class Entry
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
    }

    public List<Entry> Sections { get; set; } = [];

    public static SectionOptions From(IConfiguration configuration) =>
        new() { Sections = configuration.GetSection(SectionCatalog.ConfigurationKey).Get<List<Entry>>() ?? [] };
}

internal sealed class SectionOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<SectionOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, SectionOptions options)
    {
        var errors = SectionCatalog.Validate(options);
        return errors.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(errors);
    }
}

public static class SectionsApi
{
    public static IServiceCollection AddSections(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SectionOptions>().Configure(options => options.Sections = SectionOptions.From(configuration).Sections).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<SectionOptions>, SectionOptionsValidator>();
        services.AddSingleton(sp => SectionCatalog.From(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SectionOptions>>().Value));
        return services;
    }

    public static IEndpointRouteBuilder MapSectionsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sections", (SectionCatalog catalog) =>
                TypedResults.Ok(catalog.All.Select(s => new { id = s.Id, name = s.Name })))
            .WithName("ListSections").WithSummary("The sections readers can subscribe to.")
            .RequireRateLimiting(Security.RateLimiting.ReadPolicy).RequireCors(Security.CorsSetup.PublicPolicy);
        return app;
    }
}
