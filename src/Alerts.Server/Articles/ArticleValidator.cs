using Alerts.Contracts;
using Alerts.Delivery;
using Alerts.WebPush;
using Microsoft.Extensions.Options;
using Alerts.Hosting;
using Alerts.Sections;

namespace Alerts.Articles;

/// <summary>Thrown for an article event that can never be processed; the message goes to the error queue with this reason.</summary>
public sealed class InvalidArticleException(string message) : Exception(message);

public sealed class ArticleValidator(SectionCatalog sections, IOptions<PushOptions> push)
{
    public ValidationErrors Validate(ArticlePublished? article)
    {
        var errors = new ValidationErrors();
        if (article is null)
        {
            errors.Add("body", "an article JSON object is required");
            return errors;
        }
        if (string.IsNullOrWhiteSpace(article.ArticleId)) errors.Add("articleId", "is required");
        else if (article.ArticleId.Length > ArticleLimits.ArticleIdLength) errors.Add("articleId", $"must be at most {ArticleLimits.ArticleIdLength} characters");
        if (string.IsNullOrWhiteSpace(article.Title)) errors.Add("title", "is required");
        else if (article.Title.Length > ArticleLimits.TitleLength) errors.Add("title", $"must be at most {ArticleLimits.TitleLength} characters");
        if (article.Summary is { Length: > ArticleLimits.SummaryLength }) errors.Add("summary", $"must be at most {ArticleLimits.SummaryLength} characters");
        if (WebUrls.Check(article.Url, required: true) is { } urlProblem) errors.Add("url", urlProblem);
        if (WebUrls.Check(article.ImageUrl, required: false) is { } imageProblem) errors.Add("imageUrl", imageProblem);
        if (article.Sections is null || article.Sections.Count == 0) errors.Add("sections", "at least one section is required");
        else
            foreach (var id in article.Sections.Where(id => id is null || !sections.Contains(id)))
                errors.Add("sections", $"'{id}' is not a section (see GET /api/sections)");
        if (!errors.Any) CheckPushFits(article, errors);
        return errors;
    }

    /// <summary>
    /// Title and summary are shortened to fit one push, but the URLs cannot be: refuse at the door an
    /// article whose push would not fit even with an empty title and body.
    /// </summary>
    private void CheckPushFits(ArticlePublished article, ValidationErrors errors)
    {
        var bare = new PushPayload(Guid.Empty.ToString(), "breaking", "", "", article.Url!, push.Value.IconUrl, article.ImageUrl,
            Guid.Empty.ToString(), long.MaxValue, Actions: PushActions.Widest, ClickToken: Notifications.ClickTokens.Placeholder);
        var overflow = PushPayloadBuilder.Overflow(bare);
        if (overflow > 0)
            errors.Add(article.ImageUrl is null ? "url" : "imageUrl",
                $"the push would be {overflow} bytes over the {PushMessageEncryptor.MaxBodyBytes}-byte limit even with an empty title and summary; shorten the URLs");
    }
}

/// <summary>Click and image URLs: absolute http or https only, so no javascript: or data: URL reaches a reader.</summary>
public static class WebUrls
{
    public const int MaxLength = ArticleLimits.UrlLength;

    public static string? Check(string? value, bool required)
    {
        if (string.IsNullOrWhiteSpace(value)) return required ? "is required (an absolute http or https URL)" : null;
        if (value.Length > MaxLength) return $"must be at most {MaxLength} characters";
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            return $"'{(value.Length > 60 ? value[..60] + "…" : value)}' is not an absolute http or https URL";
        return null;
    }
}
