using Alerts.Security;
using Alerts.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Notifications;

public sealed record NotificationView(
    Guid Id, string Kind, string Status, string Title, string Body, string Url, string? ImageUrl,
    IReadOnlyList<string>? Sections, DateTime CreatedAt, string? CreatedBy, DateTime? SendAt, DateTime? CompletedAt,
    int Targeted, int Sent, int Failed, int Gone, int Expired, int Held, int Pending, int Clicked, int Displayed,
    Guid? CorrectsId, IReadOnlyList<Guid> Corrections)
{
    /// <summary>Only on GET /api/alerts/{id}: see <see cref="AlertSpeedFigures"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, long?>? TimeToPercent { get; init; }

    /// <summary>Only on GET /api/alerts/{id}: per push service host, outcomes, displays and median answer time.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ServiceFigures>? ByService { get; init; }

    /// <summary>Pushes a minute the alert is spread at; absent when it goes as fast as possible.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? ThrottlePerMinute { get; init; }

    /// <summary>For a throttled alert, when its last push is due: known once its whole audience is planned.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? ExpectedFinishAt { get; init; }

    /// <summary>A headline test's winning variant (1-based), once decided; also in the list, for the history.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? Winner { get; init; }

    /// <summary>Only on GET /api/alerts/{id}, for a headline test: each variant's targeted, sent, clicked and rate.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<VariantView>? Variants { get; init; }

    /// <summary>Only on GET /api/alerts/{id}, for a headline test: sample, decideAt, decidedAt, winner.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public HeadlineTestView? Test { get; init; }

    /// <summary>Pending: targeted readers without a final outcome yet (being sent, or waiting to retry); 0 once the notification has ended.</summary>
    /// <param name="corrections">The corrections sent for this notification, oldest first.</param>
    public static NotificationView From(Notification n, IReadOnlyList<Guid>? corrections = null) => new(
        n.Id, n.Kind.ToString().ToLowerInvariant(), n.Status.ToString().ToLowerInvariant(), n.Title, n.Body, n.Url, n.ImageUrl,
        n.SectionList, n.CreatedAt, n.CreatedBy, n.SendAt, n.CompletedAt, n.Targeted, n.Sent, n.Failed, n.Gone, n.Expired, n.Held,
        n.Status is NotificationStatus.Sending or NotificationStatus.Queued or NotificationStatus.Scheduled ? Math.Max(0, n.Targeted - n.Finished) : 0,
        n.Clicked, n.Displayed, n.CorrectsId, corrections ?? [])
    {
        ThrottlePerMinute = n.ThrottlePerMinute,
        ExpectedFinishAt = n.Planned && !n.TestUndecided ? n.ExpectedFinishAt : null,
        Winner = n.Winner,
    };
}

public static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var editors = app.MapGroup("/api/alerts").RequireAuthorization(ApiKeyDefaults.EditorPolicy);
        editors.MapGet("/", List).WithName("ListAlerts").WithSummary("Every notification sent (article, breaking, digest), newest first.");
        editors.MapGet("/{id:guid}", Get).WithName("GetAlert").WithSummary("One notification with its live delivery statistics.");

        app.MapPost("/api/alerts/{id:guid}/clicks", Click)
            .RequireRateLimiting(RateLimiting.ReadPolicy).RequireCors(CorsSetup.PublicPolicy)
            .WithName("CountClick").WithSummary("The service worker reports a click, with the push's click token (?token=); it counts once per reader.");
        app.MapPost("/api/alerts/{id:guid}/displays", Display)
            .RequireRateLimiting(RateLimiting.ReadPolicy).RequireCors(CorsSetup.PublicPolicy)
            .WithName("CountDisplay").WithSummary("The service worker reports showing the notification, with the push's click token (?token=); it counts once per reader.");
        return app;
    }

    private static async Task<Ok<List<NotificationView>>> List(AlertsDbContext db, int? limit, CancellationToken cancellationToken)
    {
        var take = Math.Clamp(limit ?? 50, 1, 500);
        var items = await db.Notifications.AsNoTracking().OrderByDescending(n => n.CreatedAt).Take(take).ToListAsync(cancellationToken);
        var corrections = await CorrectionsOfAsync(db, items.Select(n => n.Id).ToList(), cancellationToken);
        return TypedResults.Ok(items.Select(n => NotificationView.From(n, corrections.GetValueOrDefault(n.Id))).ToList());
    }

    private static async Task<Results<Ok<NotificationView>, ProblemHttpResult>> Get(
        Guid id, AlertsDbContext db, Microsoft.Extensions.Caching.Memory.IMemoryCache cache, CancellationToken cancellationToken)
    {
        var notification = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        if (notification is null) return Hosting.Problems.NotFound($"There is no notification {id}.");
        var speed = await AlertSpeed.ReadCachedAsync(cache, db, notification, cancellationToken);
        var corrections = await CorrectionsOfAsync(db, [id], cancellationToken);
        var (variants, test) = await HeadlineTestsApi.ReadAsync(db, notification, cancellationToken);
        return TypedResults.Ok(NotificationView.From(notification, corrections.GetValueOrDefault(id)) with
        {
            TimeToPercent = speed.TimeToPercent, ByService = speed.ByService, Variants = variants, Test = test,
        });
    }

    /// <summary>
    /// The service worker shows a push and reports it: the first report of a reader for a push sets DisplayedAt;
    /// a subscription that shows none of its recent pushes is removed as silent (Delivery/SilentReaders).
    /// </summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Display(
        Guid id, string? token, ClickTokens tokens, AlertsDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (tokens.Read(id, token) is not { } subscriptionId) return InvalidToken();
        var now = time.GetUtcNow().UtcDateTime;
        var first = await db.Deliveries.Where(d => d.NotificationId == id && d.SubscriptionId == subscriptionId && d.DisplayedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.DisplayedAt, now), cancellationToken);
        if (first > 0)
            await db.Notifications.Where(n => n.Id == id)
                .ExecuteUpdateAsync(u => u.SetProperty(n => n.Displayed, n => n.Displayed + 1), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Displays and clicks count only with the push's own token: once per reader and push.</summary>
    private static ProblemHttpResult InvalidToken() =>
        Hosting.Problems.BadRequest("token: the click token from this notification's push (clickToken) is required and was not valid.");

    /// <summary>The corrections of these notifications, oldest first, in one query.</summary>
    private static async Task<Dictionary<Guid, List<Guid>>> CorrectionsOfAsync(AlertsDbContext db, List<Guid> ids, CancellationToken cancellationToken)
    {
        var rows = await db.Notifications.AsNoTracking()
            .Where(n => n.CorrectsId != null && ids.Contains(n.CorrectsId.Value))
            .OrderBy(n => n.CreatedAt).Select(n => new { Original = n.CorrectsId!.Value, n.Id })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.Original).ToDictionary(g => g.Key, g => g.Select(r => r.Id).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Click(
        Guid id, string? token, ClickTokens tokens, AlertsDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (tokens.Read(id, token) is not { } subscriptionId) return InvalidToken();
        var now = time.GetUtcNow().UtcDateTime;
        // The first click of this reader on this push sets ClickedAt; any later one changes nothing.
        var first = await db.Deliveries.Where(d => d.NotificationId == id && d.SubscriptionId == subscriptionId && d.ClickedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.ClickedAt, now), cancellationToken);
        if (first == 0) return TypedResults.NoContent();
        await db.Notifications.Where(n => n.Id == id)
            .ExecuteUpdateAsync(u => u.SetProperty(n => n.Clicked, n => n.Clicked + 1), cancellationToken);
        // Also by hour, for the editors' chart (GET /api/alerts/stats).
        await ClickHour.CountAsync(db, now, cancellationToken);
        return TypedResults.NoContent();
    }
}
