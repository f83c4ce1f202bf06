namespace Alerts.Contracts;

/// <summary>
/// The CMS announces a published article. Sent as raw JSON to the durable fanout exchange
/// <c>article-published</c>, or posted to <c>POST /api/articles</c>.
/// </summary>
public sealed record ArticlePublished
{
    public string? ArticleId { get; init; }
    public string? Title { get; init; }
    public string? Summary { get; init; }
    public string? Url { get; init; }
    public IReadOnlyList<string>? Sections { get; init; }
    public string? ImageUrl { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public bool Breaking { get; init; }
}
