using Alerts.Contracts;
using Alerts.Delivery;
using Alerts.Notifications;
using Alerts.Storage;
using Alerts.WebPush;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Alerts.Articles;

/// <summary>
/// Records an article and the notification that announces it (through <see cref="NotificationIntake"/>,
/// so with its outbox row) in one transaction. The article id is the key of both, so the same article
/// published again finds the existing notification and notifies nobody twice.
/// </summary>
public sealed class ArticleRecorder(AlertsDbContext db, ArticleValidator validator, IOptions<PushOptions> push, TimeProvider time)
{
    public async Task<Guid> RecordAsync(ArticlePublished message, CancellationToken cancellationToken)
    {
        var errors = validator.Validate(message);
        if (errors.Any) throw new InvalidArticleException(errors.Detail);

        var articleId = message.ArticleId!.Trim();
        var existing = await db.Notifications.AsNoTracking().Where(n => n.ArticleId == articleId)
            .Select(n => (Guid?)n.Id).FirstOrDefaultAsync(cancellationToken);
        if (existing is { } known) return known;

        var now = time.GetUtcNow().UtcDateTime;
        var publishedAt = message.PublishedAt?.UtcDateTime ?? now;
        var sections = message.Sections!.Distinct(StringComparer.Ordinal).ToList();
        var article = new Article
        {
            ArticleId = articleId,
            Title = message.Title!.Trim(),
            Summary = message.Summary?.Trim(),
            Url = message.Url!,
            ImageUrl = message.ImageUrl,
            PublishedAt = publishedAt,
            ReceivedAt = now,
            Breaking = message.Breaking,
            Sections = sections.Select(s => new ArticleSection { ArticleId = articleId, SectionId = s, PublishedAt = publishedAt }).ToList(),
        };
        var notification = new Notification
        {
            Id = Guid.CreateVersion7(),
            Kind = message.Breaking ? NotificationKind.Breaking : NotificationKind.Article,
            Status = NotificationStatus.Queued,
            Title = article.Title,
            Body = article.Summary ?? "",
            Url = article.Url,
            ImageUrl = article.ImageUrl,
            ArticleId = articleId,
            Sections = Notification.JoinSections(sections),
            TtlSeconds = message.Breaking ? push.Value.BreakingTtlSeconds : push.Value.ArticleTtlSeconds,
            ThrottlePerMinute = message.Breaking ? null : push.Value.ArticleThrottlePerMinute,
            Urgency = message.Breaking ? PushUrgency.High : PushUrgency.Normal,
            Topic = message.Breaking ? NotificationTopics.For(articleId) : null,
            CreatedAt = now,
            CreatedBy = "cms",
        };
        db.Articles.Add(article);
        NotificationIntake.Add(db, notification);
        if (message.Breaking)
            db.AuditLog.Add(AuditTrail.Entry(notification, AuditAction.Accepted, notification.CreatedBy, $"breaking article event {articleId}; queued to send now", now));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return notification.Id;
        }
        catch (DbUpdateException e) when (db.IsUniqueViolation(e))
        {
            // The same article arrived twice at once; the other copy won.
            db.ChangeTracker.Clear();
            return await db.Notifications.AsNoTracking().Where(n => n.ArticleId == articleId).Select(n => n.Id).FirstAsync(cancellationToken);
        }
    }
}
