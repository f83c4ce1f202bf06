using Alerts.Articles;
using Alerts.Delivery;
using Alerts.Hosting;
using Alerts.Sections;
using Alerts.Storage;
using Alerts.WebPush;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Alerts.Notifications;

/// <summary>The body of <c>POST /api/alerts/{id}/corrections</c>; without a url the original's link is kept.</summary>
public sealed record CorrectionRequest(string? Title, string? Body, string? Url);

public sealed record CorrectionAccepted(Guid Id, Guid CorrectsId);

public enum CorrectionOutcome { Accepted, Invalid, NotFound, NotCorrectable }

public sealed record CorrectionResult(CorrectionOutcome Outcome, Guid? Id = null, Guid? CorrectsId = null, ValidationErrors? Errors = null, string? Detail = null);

/// <summary>
/// Accepts an editor's correction of an alert already sent. The correction is a notification of its own
/// (kind Correction, linked by <see cref="Notification.CorrectsId"/>) that enters delivery through
/// <see cref="NotificationIntake"/> like any other, so the ledger's exactly-once and crash-safety hold for it.
/// Its audience is the original's Sent readers (NotificationPlanner); it carries the original's tag and
/// topic, so it replaces the notification on screen (and an undelivered original at the push service).
/// Readers who clicked the original are alerted again with "Correction: " before the title (BatchPayloads).
/// </summary>
public sealed class CorrectionSender(
    AlertsDbContext db, SectionCatalog sections, IOptions<PushOptions> push, TimeProvider time, ILogger<CorrectionSender> logger)
{
    public async Task<CorrectionResult> AcceptAsync(Guid originalId, CorrectionRequest? request, string keyName, CancellationToken cancellationToken)
    {
        var errors = Validate(request);
        if (errors.Any) return new(CorrectionOutcome.Invalid, Errors: errors);

        var original = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.Id == originalId, cancellationToken);
        if (original is null) return new(CorrectionOutcome.NotFound, Detail: $"There is no notification {originalId}.");
        // Correcting a correction corrects the original again: its readers, its tag.
        if (original.CorrectsId is { } root)
            original = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.Id == root, cancellationToken) ?? original;
        if (original.Kind == NotificationKind.Digest)
            return new(CorrectionOutcome.NotCorrectable, Detail: $"Notification {originalId} is a digest: each reader's digest is their own, there is no one alert to correct.");
        if (original.Status is not (NotificationStatus.Done or NotificationStatus.Cancelled or NotificationStatus.Expired))
            return new(CorrectionOutcome.NotCorrectable,
                Detail: $"Notification {original.Id} is {original.Status.ToString().ToLowerInvariant()}: a correction goes to the readers it reached, so correct it once it has ended (cancel it first to stop it reaching more).");

        var now = time.GetUtcNow().UtcDateTime;
        var correction = ToNotification(original, request!, keyName, now);
        var overflow = PushPayloadBuilder.Overflow(NotificationPayloads.ForClickedReaders(NotificationPayloads.For(correction, push.Value, sections)));
        if (overflow > 0)
        {
            errors.Add("body", $"the encrypted push would be {overflow} bytes over the {PushMessageEncryptor.MaxBodyBytes}-byte limit; shorten the title, body or URL");
            return new(CorrectionOutcome.Invalid, Errors: errors);
        }

        NotificationIntake.Add(db, correction);
        db.AuditLog.Add(AuditTrail.Entry(correction, AuditAction.Accepted, keyName, $"correction of {original.Id}, queued to send to the readers it reached", now));
        db.AuditLog.Add(AuditTrail.Entry(original, AuditAction.Corrected, keyName, $"corrected by {correction.Id}: {correction.Title}", now, linked: correction.Id));
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Correction {NotificationId} of {CorrectsId} accepted from {KeyName}", correction.Id, original.Id, keyName);
        return new(CorrectionOutcome.Accepted, correction.Id, original.Id);
    }

    private static ValidationErrors Validate(CorrectionRequest? request)
    {
        var errors = new ValidationErrors();
        if (request is null)
        {
            errors.Add("body", "a correction JSON object {title, body, url?} is required");
            return errors;
        }
        EditorAlertLimits.CheckText(errors, request.Title, request.Body);
        if (WebUrls.Check(request.Url?.Trim(), required: false) is { } urlProblem) errors.Add("url", urlProblem);
        return errors;
    }

    /// <summary>The original's audience, sections (for the mute action), image, urgency, TTL and topic, with the new text.</summary>
    private static Notification ToNotification(Notification original, CorrectionRequest request, string keyName, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        Kind = NotificationKind.Correction,
        Status = NotificationStatus.Queued,
        Title = request.Title!.Trim(),
        Body = request.Body!.Trim(),
        Url = string.IsNullOrWhiteSpace(request.Url) ? original.Url : request.Url.Trim(),
        ImageUrl = original.ImageUrl,
        Sections = original.Sections,
        TtlSeconds = original.TtlSeconds,
        Urgency = original.Urgency,
        Topic = original.Topic,
        CorrectsId = original.Id,
        CreatedAt = now,
        CreatedBy = keyName,
    };
}
