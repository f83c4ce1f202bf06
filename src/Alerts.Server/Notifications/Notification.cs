using Alerts.Delivery;
using Alerts.WebPush;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alerts.Notifications;

/// <summary>Correction: an editor's corrected text for an alert already sent, to the readers it reached (see CorrectionSender).</summary>
public enum NotificationKind { Article, Breaking, Digest, Correction }

/// <summary>
/// Scheduled or Queued until the planner starts, Sending while readers are pending, then one of the final
/// states: Done, Cancelled, or Expired (its TTL ran out before any reader could be reached).
/// </summary>
public enum NotificationStatus { Scheduled, Queued, Sending, Done, Cancelled, Failed, Expired }

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
    /// <summary>Pushes a minute the fan-out is spread at, so the site survives the click spike; null: as fast as possible.</summary>
    public int? ThrottlePerMinute { get; set; }
    public PushUrgency Urgency { get; set; }
    public string? Topic { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SendAt { get; set; }
    /// <summary>
    /// When planning began (its first batches were written): a throttled notification is paced from here. A
    /// throttled headline test moves it at the decision, so the winner is paced from then.
    /// </summary>
    public DateTime? StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    /// <summary>The API key name that sent it, or "cms" for article events.</summary>
    public string? CreatedBy { get; set; }
    /// <summary>SHA-256 of the request sent with <see cref="IdempotencyKey"/>; the same key with other content is refused.</summary>
    public string? IdempotencyBodyHash { get; set; }
    public string? IdempotencyKey { get; set; }
    /// <summary>Set once the whole audience is in batches; until then the planner resumes after <see cref="PlannedThrough"/>.</summary>
    public bool Planned { get; set; }
    /// <summary>The last subscription id put in a batch (keyset position), so planning resumes there after a crash.</summary>
    public Guid? PlannedThrough { get; set; }
    public int BatchCount { get; set; }
    public int Targeted { get; set; }
    public int Sent { get; set; }
    public int Failed { get; set; }
    public int Gone { get; set; }
    public int Held { get; set; }
    /// <summary>Readers whose push could not be delivered before the TTL ran out (the push service kept refusing).</summary>
    public int Expired { get; set; }
    public int Clicked { get; set; }
    /// <summary>Readers whose browser reported showing it (once per reader).</summary>
    public int Displayed { get; set; }

    /// <summary>For a correction: the alert it corrects. Its readers are that alert's sent readers, its tag that alert's id.</summary>
    public Guid? CorrectsId { get; set; }

    /// <summary>A headline test: the share of the audience that races the variants (null for an ordinary alert).</summary>
    public double? TestSample { get; set; }
    /// <summary>When the test is to be decided; "decide now" brings it forward.</summary>
    public DateTime? DecideAt { get; set; }
    public DateTime? DecidedAt { get; set; }
    /// <summary>The winning variant's number, set once when the test is decided; the rest of the audience gets it.</summary>
    public int? Winner { get; set; }
    /// <summary>The headlines under test (loaded only where needed).</summary>
    public List<HeadlineVariant> Variants { get; set; } = [];

    /// <summary>A headline test whose winner is not known yet: the alert cannot end before it is.</summary>
    public bool TestUndecided => DecideAt is not null && Winner is null;

    /// <summary>Readers with a final outcome for this notification; the rest are pending.</summary>
    public int Finished => Sent + Failed + Gone + Expired + Held;

    /// <summary>When it is to go out: its sendAt, or as soon as it was accepted.</summary>
    public DateTime DueAt => SendAt is { } sendAt && sendAt > CreatedAt ? sendAt : CreatedAt;

    /// <summary>For a throttled notification, when its last planned push is due (null otherwise).</summary>
    public DateTime? ExpectedFinishAt => StartedAt is { } started ? Pacing.FinishAt(started, Targeted, ThrottlePerMinute) : null;

    /// <summary>
    /// After this the notification is no longer news: pushes still pending then are expired. A throttled
    /// notification counts its TTL from its last push's turn, so the readers at the end of the line get it
    /// too; a headline test's winner goes out at the decision, so its TTL counts from then at the earliest.
    /// </summary>
    public DateTime ExpiresAt
    {
        get
        {
            var lastTurn = ExpectedFinishAt ?? DueAt;
            var decision = DecidedAt ?? DecideAt ?? DueAt;
            return (lastTurn > decision ? lastTurn : decision).AddSeconds(TtlSeconds);
        }
    }

    public IReadOnlyList<string>? SectionList =>
        Sections is null ? null : Sections.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public static string? JoinSections(IEnumerable<string>? sections) =>
        sections is null ? null : string.Join(',', sections);
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
        builder.HasIndex(n => n.CorrectsId);
        builder.Ignore(n => n.SectionList);
        builder.Ignore(n => n.Finished);
        builder.Ignore(n => n.DueAt);
        builder.Ignore(n => n.ExpiresAt);
        builder.Ignore(n => n.ExpectedFinishAt);
        builder.Ignore(n => n.TestUndecided);
    }
}
