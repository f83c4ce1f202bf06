using Alerts.Security;
using Alerts.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Digests;

/// <summary>What /digest/{id} shows: the digest's title and every story in it, newest first.</summary>
public sealed record DigestView(Guid Id, string Kind, string Title, DateTime CreatedAt, IReadOnlyList<DigestStoryView> Stories);

public static class DigestsApi
{
    public static IEndpointRouteBuilder MapDigestsApi(this IEndpointRouteBuilder app)
    {
        // Public: the id is a random notification id that only its reader was sent.
        app.MapGet("/api/digests/{id:guid}", Get)
            .RequireRateLimiting(RateLimiting.ReadPolicy).RequireCors(CorsSetup.PublicPolicy)
            .WithName("GetDigest").WithSummary("One digest and the stories it lists, for the /digest/{id} page.");
        return app;
    }

    private static async Task<Results<Ok<DigestView>, ProblemHttpResult>> Get(Guid id, AlertsDbContext db, CancellationToken cancellationToken)
    {
        var digest = await db.Digests.AsNoTracking().Where(d => d.Id == id)
            .Select(d => new { d.Id, d.Kind, d.CreatedAt, Title = d.Title ?? db.Notifications.Where(n => n.Id == d.NotificationId).Select(n => n.Title).FirstOrDefault() })
            .FirstOrDefaultAsync(cancellationToken);
        if (digest is null) return Hosting.Problems.NotFound($"There is no digest {id}.");
        var articleIds = await db.DigestStories.AsNoTracking().Where(s => s.DigestId == id).OrderBy(s => s.Position)
            .Select(s => s.ArticleId).ToListAsync(cancellationToken);
        var stories = await PersonalNotifications.StoriesAsync(db, articleIds, cancellationToken);
        var kind = digest.Kind switch { DigestKind.QuietHours => "quiet-hours", DigestKind.DailyLimit => "daily-limit", _ => "digest" };
        return TypedResults.Ok(new DigestView(digest.Id, kind, digest.Title ?? "Your news digest", digest.CreatedAt, stories));
    }
}
