using System.Security.Claims;
using Alerts.Hosting;
using Alerts.Security;
using Alerts.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Notifications;

/// <summary>A variant on <c>GET /api/alerts/{id}</c>: rate is clicked ÷ sent (0 while nothing was sent).</summary>
public sealed record VariantView(int Number, string Title, string Body, int Targeted, int Sent, int Clicked, double Rate);

/// <summary>The test on <c>GET /api/alerts/{id}</c>; winner is null until it is decided.</summary>
public sealed record HeadlineTestView(double Sample, DateTime DecideAt, DateTime? DecidedAt, int? Winner);

public sealed record DecideAccepted(Guid Id, DateTime DecideAt);

/// <summary>
/// Headline tests: an alert with 2–4 headlines whose sample races them, the best click-through rate going
/// to everyone else (see <see cref="HeadlineTests"/>, <see cref="HeadlineTestDecision"/> and the planner).
/// </summary>
public static class HeadlineTestsApi
{
    public static IServiceCollection AddHeadlineTests(this IServiceCollection services) =>
        services.AddScoped<HeadlineTestDecision>();

    public static IEndpointRouteBuilder MapHeadlineTestsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/alerts/{id:guid}/test/decide", DecideNow).RequireAuthorization(ApiKeyDefaults.EditorPolicy)
            .WithName("DecideHeadlineTest")
            .WithSummary("End a headline test now: the variant leading on click-through rate goes to the rest of the audience; 202 once asked.");
        return app;
    }

    /// <summary>The variants with their live figures and the test, or nulls for an alert without a test.</summary>
    public static async Task<(IReadOnlyList<VariantView>? Variants, HeadlineTestView? Test)> ReadAsync(
        AlertsDbContext db, Notification notification, CancellationToken cancellationToken)
    {
        if (notification.DecideAt is not { } decideAt) return (null, null);
        var variants = await db.HeadlineVariants.AsNoTracking().Where(v => v.NotificationId == notification.Id)
            .OrderBy(v => v.Number).ToListAsync(cancellationToken);
        var figures = (await HeadlineTestDecision.FiguresAsync(db, notification.Id, variants.Select(v => v.Number).ToList(), cancellationToken))
            .ToDictionary(f => f.Number);
        var views = variants.Select(v => figures.GetValueOrDefault(v.Number) is { } f
            ? new VariantView(v.Number, v.Title, v.Body, v.Targeted, f.Sent, f.Clicked, Math.Round(f.Rate, 4))
            : new VariantView(v.Number, v.Title, v.Body, v.Targeted, 0, 0, 0)).ToList();
        return (views, new HeadlineTestView(notification.TestSample ?? 0, decideAt, notification.DecidedAt, notification.Winner));
    }

    private static async Task<Results<Accepted<DecideAccepted>, ProblemHttpResult>> DecideNow(
        Guid id, ClaimsPrincipal user, HeadlineTestDecision decision, TimeProvider time, CancellationToken cancellationToken)
    {
        var (outcome, notification) = await decision.DecideNowAsync(id, user.KeyName(), cancellationToken);
        return outcome switch
        {
            DecideNowOutcome.Accepted => TypedResults.Accepted($"/api/alerts/{id}", new DecideAccepted(id, time.GetUtcNow().UtcDateTime)),
            DecideNowOutcome.NotFound => Problems.NotFound($"There is no notification {id}."),
            DecideNowOutcome.NoTest => Problems.Conflict($"Notification {id} has no headline test to decide."),
            DecideNowOutcome.AlreadyDecided => Problems.Conflict($"The headline test of notification {id} is already decided: variant {notification!.Winner} won."),
            _ => Problems.Conflict($"Notification {id} is {notification!.Status.ToString().ToLowerInvariant()}: only a queued or sending headline test can be decided now."),
        };
    }
}
