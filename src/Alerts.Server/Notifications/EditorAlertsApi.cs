using System.Security.Claims;
using Alerts.Delivery;
using Alerts.Hosting;
using Alerts.Sections;
using Alerts.Security;
using Alerts.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Notifications;

public sealed record AlertAccepted(Guid Id, string Status);

/// <summary>Silent: subscriptions removed in that hour because their browser showed none of their recent pushes.</summary>
public sealed record HourlyFigures(DateTime Hour, int Sent, int Clicks, int Silent);

public sealed record AudienceCount(int Count);

public sealed record EditorIdentity(string Name, string Role);

/// <summary>What editors use to send breaking alerts, follow them and see who sent what.</summary>
public static class EditorAlertsApi
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const int MaxStatsHours = 7 * 24;

    public static IServiceCollection AddEditorAlerts(this IServiceCollection services)
    {
        services.AddSingleton<EditorAlertValidator>();
        services.AddScoped<AlertSender>();
        services.AddScoped<CorrectionSender>();
        services.AddMemoryCache(); // a large alert's speed figures between reads (AlertSpeed)
        return services;
    }

    public static IEndpointRouteBuilder MapEditorAlertsApi(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/alerts").RequireAuthorization(ApiKeyDefaults.EditorPolicy);
        alerts.MapPost("/", Send).WithName("SendAlert")
            .WithSummary("Send a breaking alert now or at sendAt; 202 once it is stored. The same Idempotency-Key within 24 h returns the first alert.");
        alerts.MapDelete("/{id:guid}", Cancel).WithName("CancelAlert")
            .WithSummary("Cancel an alert that is scheduled or still sending; batches not yet sent are skipped.");
        alerts.MapPost("/{id:guid}/corrections", Correct).WithName("CorrectAlert")
            .WithSummary("Send a correction of an alert that has ended to the readers it reached, replacing it on screen; 202 once it is stored.");
        alerts.MapGet("/stats", Stats).WithName("AlertStatistics")
            .WithSummary("Pushes sent and clicks per hour (UTC) for the last hours, oldest first.");

        app.MapGet("/api/audience", CountAudience).RequireAuthorization(ApiKeyDefaults.EditorPolicy)
            .WithName("CountAudience").WithSummary("How many subscribers a breaking alert to these sections (none: everyone) would reach.");
        app.MapGet("/api/editor/me", Me).RequireAuthorization(ApiKeyDefaults.EditorPolicy)
            .WithName("WhoAmI").WithSummary("The API key's name and role, for the editors' console.");
        app.MapGet("/api/admin/audit", Audit).RequireAuthorization(ApiKeyDefaults.AdminPolicy)
            .WithName("AuditLog").WithSummary("The alerts' audit trail, newest first: who, when, what, audience, outcome.");
        return app;
    }

    private static async Task<Results<Accepted<AlertAccepted>, ProblemHttpResult>> Send(
        EditorAlertRequest? request, [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey, ClaimsPrincipal user,
        EditorAlertValidator validator, AlertSender sender, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = validator.Validate(request);
        if (idempotencyKey is not null && (string.IsNullOrWhiteSpace(idempotencyKey) || idempotencyKey.Length > EditorAlertLimits.IdempotencyKeyLength))
            errors.Add(IdempotencyHeader, $"must be 1 to {EditorAlertLimits.IdempotencyKeyLength} characters");
        if (errors.Any) return errors.ToProblem();

        var accepted = await sender.AcceptAsync(request!, user.KeyName(), idempotencyKey?.Trim(), cancellationToken);
        if (accepted.Replayed)
        {
            if (!accepted.SameRequest)
                return TypedResults.Problem($"{IdempotencyHeader}: this key was used in the last {AlertSender.IdempotencyWindow.TotalHours:0} hours for a different alert; use a new key for a new alert.",
                    statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused");
            response.Headers[IdempotencyKeys.ReplayedHeader] = "true";
        }
        return TypedResults.Accepted($"/api/alerts/{accepted.Id}", new AlertAccepted(accepted.Id, accepted.Status.ToString().ToLowerInvariant()));
    }

    private static async Task<Results<Accepted<CorrectionAccepted>, ProblemHttpResult>> Correct(
        Guid id, CorrectionRequest? request, ClaimsPrincipal user, CorrectionSender sender, CancellationToken cancellationToken)
    {
        var result = await sender.AcceptAsync(id, request, user.KeyName(), cancellationToken);
        return result.Outcome switch
        {
            CorrectionOutcome.Accepted => TypedResults.Accepted($"/api/alerts/{result.Id}", new CorrectionAccepted(result.Id!.Value, result.CorrectsId!.Value)),
            CorrectionOutcome.Invalid => result.Errors!.ToProblem(),
            CorrectionOutcome.NotFound => Problems.NotFound(result.Detail!),
            _ => Problems.Conflict(result.Detail!),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Cancel(
        Guid id, ClaimsPrincipal user, AlertSender sender, CancellationToken cancellationToken)
    {
        var (outcome, status) = await sender.CancelAsync(id, user.KeyName(), cancellationToken);
        return outcome switch
        {
            CancelOutcome.Cancelled or CancelOutcome.AlreadyCancelled => TypedResults.NoContent(),
            CancelOutcome.NotFound => Problems.NotFound($"There is no notification {id}."),
            _ => Problems.Conflict($"Notification {id} is {status.ToString()!.ToLowerInvariant()}: only a scheduled, queued or sending alert can be cancelled."),
        };
    }

    private static async Task<Results<Ok<List<HourlyFigures>>, ProblemHttpResult>> Stats(
        int? hours, AlertsDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var span = hours ?? 24;
        if (span is < 1 or > MaxStatsHours) return Problems.BadRequest($"hours: must be between 1 and {MaxStatsHours}.");
        var last = ClickHour.Of(time.GetUtcNow().UtcDateTime);
        var from = last.AddHours(-(span - 1));

        // Grouped in the store: a busy hour can hold millions of deliveries.
        var sent = await db.Deliveries.AsNoTracking()
            .Where(d => d.Outcome == DeliveryOutcome.Sent && d.At >= from)
            .GroupBy(d => new { d.At.Year, d.At.Month, d.At.Day, d.At.Hour })
            .Select(g => new { g.Key.Year, g.Key.Month, g.Key.Day, g.Key.Hour, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var sentByHour = sent.ToDictionary(s => new DateTime(s.Year, s.Month, s.Day, s.Hour, 0, 0, DateTimeKind.Utc), s => s.Count);
        var clicks = await db.ClickHours.AsNoTracking().Where(c => c.Hour >= from).ToListAsync(cancellationToken);
        var clicksByHour = clicks.ToDictionary(c => DateTime.SpecifyKind(c.Hour, DateTimeKind.Utc));

        var figures = Enumerable.Range(0, span).Select(i => from.AddHours(i))
            .Select(hour => new HourlyFigures(hour, sentByHour.GetValueOrDefault(hour), clicksByHour.GetValueOrDefault(hour)?.Clicks ?? 0, clicksByHour.GetValueOrDefault(hour)?.Silent ?? 0))
            .ToList();
        return TypedResults.Ok(figures);
    }

    private static async Task<Results<Ok<AudienceCount>, ProblemHttpResult>> CountAudience(
        string? sections, SectionCatalog catalog, AlertsDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        List<string>? wanted = string.IsNullOrWhiteSpace(sections)
            ? null
            : sections.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        if (wanted is not null)
        {
            var errors = new ValidationErrors();
            foreach (var unknown in wanted.Where(id => !catalog.Contains(id)))
                errors.Add("sections", $"'{unknown}' is not a section (see GET /api/sections)");
            if (errors.Any) return errors.ToProblem();
        }
        // Exactly the rule the fan-out uses for a breaking alert.
        var count = await db.Subscriptions.AsNoTracking().CountAsync(Audience.For(NotificationKind.Breaking, wanted, time.GetUtcNow().UtcDateTime), cancellationToken);
        return TypedResults.Ok(new AudienceCount(count));
    }

    private static Ok<EditorIdentity> Me(ClaimsPrincipal user) =>
        TypedResults.Ok(new EditorIdentity(user.KeyName(), user.FindFirstValue(ClaimTypes.Role) ?? ""));

    private static async Task<Ok<List<AuditEntryView>>> Audit(int? limit, AlertsDbContext db, CancellationToken cancellationToken)
    {
        var take = Math.Clamp(limit ?? 100, 1, 1000);
        var entries = await db.AuditLog.AsNoTracking().OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(take).ToListAsync(cancellationToken);
        return TypedResults.Ok(entries.Select(AuditEntryView.From).ToList());
    }
}
