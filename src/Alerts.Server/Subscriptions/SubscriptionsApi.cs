using Alerts.Hosting;
using Alerts.Security;
using Alerts.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Subscriptions;

public sealed record DeliveryView(string Mode, string? Frequency, string? At);

public sealed record QuietHoursView(string From, string To);

public sealed record SubscriptionView(
    Guid Id, string? Token, IReadOnlyList<string> Sections, DeliveryView Delivery, QuietHoursView? QuietHours,
    string TimeZone, bool Paused, DateTime CreatedAt, IReadOnlyList<MuteView> Mutes, int? MaxPerDay);

public static class SubscriptionsApi
{
    public static IEndpointRouteBuilder MapSubscriptionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/subscriptions").RequireRateLimiting(RateLimiting.PublicPolicy).RequireCors(CorsSetup.PublicPolicy);
        group.MapPost("/", Subscribe).WithName("Subscribe").WithSummary("Register a browser push subscription and its preferences.");
        group.MapGet("/{id:guid}", Get).WithName("GetSubscription");
        group.MapPut("/{id:guid}", Update).WithName("UpdateSubscription");
        group.MapDelete("/{id:guid}", Delete).WithName("DeleteSubscription");
        group.MapMutes();
        app.MapSubscriptionImportApi();
        return app;
    }

    /// <param name="mutes">The reader's active mutes (see MutesApi); none when not given.</param>
    public static SubscriptionView ToView(Subscription s, string? token = null, IReadOnlyList<MuteView>? mutes = null) => new(
        s.Id, token, s.Sections.Select(x => x.SectionId).ToList(),
        new DeliveryView(s.Mode == DeliveryMode.Instant ? "instant" : "digest",
            s.DigestFrequency?.ToString().ToLowerInvariant(), s.DigestAt?.ToString("HH:mm")),
        s.QuietFrom is { } from && s.QuietTo is { } to ? new QuietHoursView(from.ToString("HH:mm"), to.ToString("HH:mm")) : null,
        s.TimeZone, s.Paused, s.CreatedAt, mutes ?? [], s.MaxPerDay);

    private static async Task<Results<Created<SubscriptionView>, Ok<SubscriptionView>, ProblemHttpResult>> Subscribe(
        SubscribeRequest? request, HttpRequest http, SubscriptionValidator validator, SubscriptionRegistry registry, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var (target, preferences) = validator.Validate(request, subscriptionRequired: true, errors);
        if (errors.Any) return errors.ToProblem();

        var result = await registry.SubscribeAsync(target!, preferences!, BearerToken.From(http), cancellationToken);
        // Says no more than needed: not the id, nor whether the token or the keys were wrong.
        if (result.Outcome == SubscribeOutcome.KeysNeedToken)
            return Problems.Conflict("This endpoint is already subscribed with other keys; send its token as 'Authorization: Bearer <token>' to change them.");
        var view = ToView(result.Subscription, result.Token);
        return result.Outcome == SubscribeOutcome.Created
            ? TypedResults.Created($"/api/subscriptions/{result.Subscription.Id}", view)
            : TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<SubscriptionView>, ProblemHttpResult>> Get(
        Guid id, HttpRequest http, AlertsDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var (subscription, problem) = await FindAuthorizedAsync(id, http, db, cancellationToken);
        if (problem is not null) return problem;
        var mutes = await MutesApi.ActiveAsync(db, subscription!.Id, time.GetUtcNow().UtcDateTime, cancellationToken);
        return TypedResults.Ok(ToView(subscription, mutes: mutes));
    }

    private static async Task<Results<Ok<SubscriptionView>, ProblemHttpResult>> Update(
        Guid id, SubscribeRequest? request, HttpRequest http, AlertsDbContext db, SubscriptionValidator validator,
        SubscriptionRegistry registry, TimeProvider time, CancellationToken cancellationToken)
    {
        var (subscription, problem) = await FindAuthorizedAsync(id, http, db, cancellationToken);
        if (problem is not null) return problem;

        var errors = new ValidationErrors();
        var (target, preferences) = validator.Validate(request, subscriptionRequired: false, errors);
        if (errors.Any) return errors.ToProblem();

        var updated = await registry.UpdateAsync(subscription!, target, preferences!, cancellationToken);
        if (updated is null) return Problems.Conflict("subscription.endpoint: another subscription already uses this endpoint.");
        return TypedResults.Ok(ToView(updated, mutes: await MutesApi.ActiveAsync(db, updated.Id, time.GetUtcNow().UtcDateTime, cancellationToken)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, HttpRequest http, AlertsDbContext db, SubscriptionRegistry registry, CancellationToken cancellationToken)
    {
        var (subscription, problem) = await FindAuthorizedAsync(id, http, db, cancellationToken);
        if (problem is not null) return problem;
        await registry.EraseAsync(subscription!, cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<(Subscription?, ProblemHttpResult?)> FindAuthorizedAsync(
        Guid id, HttpRequest http, AlertsDbContext db, CancellationToken cancellationToken)
    {
        var subscription = await db.Subscriptions.Include(s => s.Sections).FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (subscription is null) return (null, Problems.NotFound($"There is no subscription {id}."));
        var token = BearerToken.From(http);
        if (token is null) return (null, Problems.Unauthorized("Send the subscription's token as 'Authorization: Bearer <token>'."));
        if (!SubscriptionTokens.Opens(token, subscription))
            return (null, Problems.Forbidden("The token does not belong to this subscription."));
        return (subscription, null);
    }
}
