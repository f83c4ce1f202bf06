using Alerts.Hosting;
using Alerts.Sections;
using Alerts.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Subscriptions;

/// <summary>The body of <c>POST /api/subscriptions/{id}/mutes</c>.</summary>
public sealed record MuteRequest(string? Section, int? Hours);

public sealed record MuteView(string Section, DateTime Until);

/// <summary>
/// A reader mutes a section for a while (the notification's "Mute" action, or the management page), with
/// the subscription's token like every /api/subscriptions/{id} route. Matching skips a muted section until
/// the mute ends (Delivery/Audience); muting again sets a new end.
/// </summary>
public static class MutesApi
{
    public const int MaxHours = 168;

    public static RouteGroupBuilder MapMutes(this RouteGroupBuilder subscriptions)
    {
        subscriptions.MapPost("/{id:guid}/mutes", Mute).WithName("MuteSection")
            .WithSummary("Mute a section for 1 to 168 hours: its articles and alerts skip this reader until then.");
        subscriptions.MapDelete("/{id:guid}/mutes/{section}", Unmute).WithName("UnmuteSection")
            .WithSummary("Lift a section's mute.");
        return subscriptions;
    }

    /// <summary>The reader's mutes that have not ended, soonest end first.</summary>
    public static async Task<List<MuteView>> ActiveAsync(AlertsDbContext db, Guid subscriptionId, DateTime now, CancellationToken cancellationToken) =>
        await db.SectionMutes.AsNoTracking().Where(m => m.SubscriptionId == subscriptionId && m.Until > now)
            .OrderBy(m => m.Until).Select(m => new MuteView(m.SectionId, m.Until)).ToListAsync(cancellationToken);

    private static async Task<Results<NoContent, ProblemHttpResult>> Mute(
        Guid id, MuteRequest? request, HttpRequest http, AlertsDbContext db, SectionCatalog sections, TimeProvider time, CancellationToken cancellationToken)
    {
        var (subscription, problem) = await SubscriptionsApi.FindAuthorizedAsync(id, http, db, cancellationToken);
        if (problem is not null) return problem;

        var errors = new ValidationErrors();
        if (request is null) errors.Add("body", "a JSON object {section, hours} is required");
        else
        {
            if (string.IsNullOrWhiteSpace(request.Section)) errors.Add("section", "is required");
            else if (!sections.Contains(request.Section)) errors.Add("section", $"'{request.Section}' is not a section (see GET /api/sections)");
            if (request.Hours is not { } hours) errors.Add("hours", "is required");
            else if (hours is < 1 or > MaxHours) errors.Add("hours", $"must be between 1 and {MaxHours} (a week)");
        }
        if (errors.Any) return errors.ToProblem();

        var now = time.GetUtcNow().UtcDateTime;
        var until = now.AddHours(request!.Hours!.Value);
        // Ended mutes mean nothing; clear them while here, so a reader's rows stay few.
        await db.SectionMutes.Where(m => m.SubscriptionId == subscription!.Id && m.Until <= now).ExecuteDeleteAsync(cancellationToken);
        var updated = await db.SectionMutes.Where(m => m.SubscriptionId == subscription!.Id && m.SectionId == request.Section)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.Until, until), cancellationToken);
        if (updated == 0)
        {
            db.SectionMutes.Add(new SectionMute { SubscriptionId = subscription!.Id, SectionId = request.Section!, Until = until });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e) when (db.IsUniqueViolation(e))
            {
                // The same mute arrived twice at once (two clicks): the other one stands.
            }
        }
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Unmute(
        Guid id, string section, HttpRequest http, AlertsDbContext db, CancellationToken cancellationToken)
    {
        var (subscription, problem) = await SubscriptionsApi.FindAuthorizedAsync(id, http, db, cancellationToken);
        if (problem is not null) return problem;
        await db.SectionMutes.Where(m => m.SubscriptionId == subscription!.Id && m.SectionId == section).ExecuteDeleteAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
