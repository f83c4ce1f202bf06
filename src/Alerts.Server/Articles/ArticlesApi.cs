using Alerts.Contracts;
using Alerts.Security;
using Alerts.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Articles;

public sealed record ArticleView(
    string ArticleId, string Title, string? Summary, string Url, string? ImageUrl, IReadOnlyList<string> Sections,
    DateTime PublishedAt, bool Breaking);

public static class ArticlesApi
{
    public static IEndpointRouteBuilder MapArticlesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/articles", Publish)
            .RequireAuthorization(ApiKeyDefaults.EditorPolicy)
            .WithName("PublishArticle").WithSummary("Announce a published article (the RabbitMQ event, as a webhook).");
        app.MapGet("/api/articles", List)
            .RequireRateLimiting(RateLimiting.ReadPolicy).RequireCors(CorsSetup.PublicPolicy)
            .WithName("ListArticles").WithSummary("The latest articles the service has received, newest first.");
        return app;
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> Publish(
        ArticlePublished? article, ArticleValidator validator, ArticleRecorder recorder, CancellationToken cancellationToken)
    {
        var errors = validator.Validate(article);
        if (errors.Any) return errors.ToProblem();
        // Recorded like the CMS's RabbitMQ event (same recorder, same de-duplication): 202 means it is in
        // the store with its outbox row, whether or not the bus is up.
        await recorder.RecordAsync(article!, cancellationToken);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Ok<List<ArticleView>>> List(
        AlertsDbContext db, string? section, int? limit, CancellationToken cancellationToken)
    {
        var take = Math.Clamp(limit ?? 20, 1, 100);
        var query = db.Articles.AsNoTracking();
        if (!string.IsNullOrEmpty(section)) query = query.Where(a => a.Sections.Any(s => s.SectionId == section));
        var articles = await query.OrderByDescending(a => a.PublishedAt).Take(take)
            .Select(a => new ArticleView(a.ArticleId, a.Title, a.Summary, a.Url, a.ImageUrl,
                a.Sections.Select(s => s.SectionId).ToList(), a.PublishedAt, a.Breaking))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(articles);
    }
}
