using Alerts.WebPush;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alerts.Notifications;

public enum NotificationKind { Article, Breaking, Digest }

public enum NotificationStatus { Scheduled, Queued, Sending, Done, Cancelled, Failed }

/// <summary>
/// Everything the service sends: an article push, an editor's breaking alert or a digest.
/// Holds what went out and the live delivery statistics.
/// </summary>
public sealed class Notification
{
    public Guid Id { get; set; }
    public NotificationKind Kind { get; set; }
    public NotificationStatus Status { get; set; }
    public required string Title { get; set; }
    public required string Body { get; set; }
    public required string Url { get; set; }
    public string? ImageUrl { get; set; }
    /// <summary>The article this notification announces; unique, so an article notifies each reader once.</summary>
    public string? ArticleId { get; set; }
    /// <summary>Section ids, comma separated; null means everyone.</summary>
    public string? Sections { get; set; }
    public int TtlSeconds { get; set; }
    public PushUrgency Urgency { get; set; }
    public string? Topic { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SendAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    /// <summary>The API key name that sent it, or "cms" for article events.</summary>
    public string? CreatedBy { get; set; }
    /// <summary>SHA-256 of the request sent with <see cref="IdempotencyKey"/>; the same key with other content is refused.</summary>
    public string? IdempotencyBodyHash { get; set; }
    public string? IdempotencyKey { get; set; }
    /// <summary>Set once every batch has been published, so a re-planned fan-out is known to be complete.</summary>
    public bool Planned { get; set; }
    public int BatchCount { get; set; }
    public int Targeted { get; set; }
    public int Sent { get; set; }
    public int Failed { get; set; }
    public int Gone { get; set; }
    public int Held { get; set; }
    public int Clicked { get; set; }

    public IReadOnlyList<string>? SectionList =>
        Sections is null ? null : Sections.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public static string? JoinSections(IEnumerable<string>? sections) =>
        sections is null ? null : string.Join(',', sections);
}

/// <summary>Marks a batch as finished; the notification is done when every batch has a row.</summary>
public sealed class NotificationBatch
{
    public Guid NotificationId { get; set; }
    public int BatchNumber { get; set; }
    public DateTime CompletedAt { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.ToTable("notifications");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(n => n.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(n => n.Urgency).HasConversion<string>().HasMaxLength(16);
        builder.Property(n => n.Title).HasMaxLength(300);
        builder.Property(n => n.Body).HasMaxLength(4000);
        builder.Property(n => n.Url).HasMaxLength(2048);
        builder.Property(n => n.ImageUrl).HasMaxLength(2048);
        builder.Property(n => n.ArticleId).HasMaxLength(200);
        builder.Property(n => n.Sections).HasMaxLength(2000);
        builder.Property(n => n.Topic).HasMaxLength(32);
        builder.Property(n => n.CreatedBy).HasMaxLength(100);
        builder.Property(n => n.IdempotencyKey).HasMaxLength(200);
        builder.Property(n => n.IdempotencyBodyHash).HasMaxLength(64);
        builder.HasIndex(n => n.ArticleId).IsUnique();
        builder.HasIndex(n => n.IdempotencyKey).IsUnique();
        builder.HasIndex(n => n.CreatedAt);
        builder.Ignore(n => n.SectionList);
    }
}

internal sealed class NotificationBatchConfiguration : IEntityTypeConfiguration<NotificationBatch>
{
    public void Configure(EntityTypeBuilder<NotificationBatch> builder)
    {
        builder.ToTable("notification_batches");
        builder.HasKey(b => new { b.NotificationId, b.BatchNumber });
    }
}
