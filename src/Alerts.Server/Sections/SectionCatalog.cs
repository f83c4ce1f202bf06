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

    /// <summary>Reads and checks the configured sections; a mistake fails start-up naming the key.</summary>
    public static SectionCatalog From(IConfiguration configuration)
    {
        var configured = configuration.GetSection(ConfigurationKey).GetChildren()
            .Select((child, index) => (Index: index, Id: child["Id"], Name: child["Name"]))
            .ToList();
        if (configured.Count == 0) return new SectionCatalog(SeedSite);

        var sections = new List<Section>();
        foreach (var (index, id, name) in configured)
        {
            if (string.IsNullOrWhiteSpace(id) || !SectionId().IsMatch(id))
                throw new InvalidOperationException(
                    $"Configuration key '{ConfigurationKey}:{index}:Id' must be lower-case letters, digits and dashes (got '{id}').");
            if (string.IsNullOrWhiteSpace(name))
                throw new InvalidOperationException($"Configuration key '{ConfigurationKey}:{index}:Name' is required.");
            if (sections.Any(s => s.Id == id))
                throw new InvalidOperationException($"Configuration key '{ConfigurationKey}:{index}:Id' repeats the section '{id}'.");
            sections.Add(new Section(id, name.Trim()));
        }
        return new SectionCatalog(sections);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex SectionId();
}

public static class SectionsApi
{
    public static IEndpointRouteBuilder MapSectionsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sections", (SectionCatalog catalog) =>
                TypedResults.Ok(catalog.All.Select(s => new { id = s.Id, name = s.Name })))
            .WithName("ListSections").WithSummary("The sections readers can subscribe to.")
            .RequireRateLimiting(Security.RateLimiting.ReadPolicy).RequireCors(Security.CorsSetup.PublicPolicy);
        return app;
    }
}
