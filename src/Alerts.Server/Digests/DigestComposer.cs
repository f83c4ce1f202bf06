using Alerts.Sections;

namespace Alerts.Digests;

/// <summary>A story as a digest lists it.</summary>
public sealed record DigestStoryView(
    string ArticleId, string Title, string? Summary, string Url, string? ImageUrl,
    IReadOnlyList<string> Sections, DateTime PublishedAt, bool Breaking);

/// <summary>The words of digest notifications; PushPayloadBuilder keeps them under the push size limit.</summary>
public static class DigestComposer
{
    /// <summary>Bodies longer than this are cut before storing (the push is trimmed further if need be).</summary>
    public const int MaxBodyLength = 1000;
    public const int MaxTitleLength = 200;

    /// <summary>"Your World and Sports digest: 5 new stories", naming the reader's sections that have news.</summary>
    public static string Title(IReadOnlyList<string> sectionNames, int storyCount)
    {
        var names = sectionNames.Count switch
        {
            0 => "news",
            1 => sectionNames[0],
            2 or 3 => string.Join(", ", sectionNames.Take(sectionNames.Count - 1)) + " and " + sectionNames[^1],
            _ => "news",
        };
        var title = $"Your {names} digest: {Stories(storyCount)}";
        return title.Length <= MaxTitleLength ? title : $"Your news digest: {Stories(storyCount)}";
    }

    /// <summary>"3 stories while you were away", for articles held through quiet hours.</summary>
    public static string QuietHoursTitle(int storyCount) => $"{Stories(storyCount)} while you were away";

    /// <summary>"3 more stories past your daily limit", for articles held past the reader's maxPerDay.</summary>
    public static string DailyLimitTitle(int storyCount) =>
        storyCount == 1 ? "1 more story past your daily limit" : $"{storyCount} more stories past your daily limit";

    /// <summary>The top headlines, one a line, newest first.</summary>
    public static string Body(IEnumerable<string> headlines, int count)
    {
        var body = string.Join("\n", headlines.Take(count).Select(h => "• " + h.Trim()));
        if (body.Length <= MaxBodyLength) return body;
        var cut = MaxBodyLength - 1;
        if (char.IsLowSurrogate(body[cut])) cut--; // never split a character in two
        return body[..cut].TrimEnd() + "…";
    }

    /// <summary>The reader's sections that this digest's stories come from, in the site's order.</summary>
    public static IReadOnlyList<string> SectionNames(SectionCatalog catalog, IReadOnlyCollection<string> subscribed, IEnumerable<DigestStoryView> stories)
    {
        var present = stories.SelectMany(s => s.Sections).Where(subscribed.Contains).ToHashSet(StringComparer.Ordinal);
        return catalog.All.Where(s => present.Contains(s.Id)).Select(s => s.Name).ToList();
    }

    private static string Stories(int count) => count == 1 ? "1 new story" : $"{count} new stories";
}
