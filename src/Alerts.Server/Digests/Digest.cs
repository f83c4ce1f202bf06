using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alerts.Digests;

public enum DigestKind
{
    /// <summary>A digest subscriber's daily or hourly digest.</summary>
    Scheduled,
    /// <summary>Articles held in an instant subscriber's quiet hours, sent when they end.</summary>
    QuietHours,
    /// <summary>Articles held past an instant subscriber's daily limit, sent at the end of their day.</summary>
    DailyLimit,
}

/// <summary>
/// What one reader is sent in a digest, with the stories it lists. Its id is random (unguessable, so it
/// doubles as the address of the /digest/{id} page). Scheduled digests of one run page share one
/// notification (<see cref="NotificationId"/>), delivered in batches like an article, each reader's push
/// built from their own row (<see cref="Title"/>, <see cref="Body"/>, ...); a quiet-hours release is a
/// notification of its own (<see cref="NotificationId"/> = <see cref="Id"/>, content on the notification).
/// The unique key on (subscription, kind, period) is what makes a digest go out at most once per reader
/// and period, whichever Scheduler process gets there first.
/// </summary>
public sealed class Digest
{
    public Guid Id { get; set; }
    /// <summary>The notification that delivers it; its audience is the readers with a digest row pointing at it.</summary>
    public Guid NotificationId { get; set; }
    public Guid SubscriptionId { get; set; }
    public DigestKind Kind { get; set; }
    /// <summary>The due time of the period (scheduled) or the end of the quiet hours (UTC).</summary>
    public DateTime PeriodStart { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>The reader's own push (scheduled digests); null when the notification carries it (quiet-hours releases).</summary>
    public string? Title { get; set; }
    public string? Body { get; set; }
    /// <summary>The reader's /digest/{id} page.</summary>
    public string? Url { get; set; }
    public string? ImageUrl { get; set; }
    /// <summary>Web Push topic: a newer digest replaces one the browser has not picked up yet.</summary>
    public string? Topic { get; set; }
    public List<DigestStory> Stories { get; set; } = [];
}

public sealed class DigestStory
{
    public Guid DigestId { get; set; }
    /// <summary>0 is the newest story.</summary>
    public int Position { get; set; }
    public required string ArticleId { get; set; }
}

internal sealed class DigestConfiguration : IEntityTypeConfiguration<Digest>
{
    public void Configure(EntityTypeBuilder<Digest> builder)
    {
        builder.ToTable("digests");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Kind).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(d => new { d.SubscriptionId, d.Kind, d.PeriodStart }).IsUnique();
        // The planner reads a digest notification's audience, and delivery its readers' pushes, by notification.
        builder.HasIndex(d => new { d.NotificationId, d.SubscriptionId });
        builder.Property(d => d.Title).HasMaxLength(300);
        builder.Property(d => d.Body).HasMaxLength(4000);
        builder.Property(d => d.Url).HasMaxLength(2048);
        builder.Property(d => d.ImageUrl).HasMaxLength(2048);
        builder.Property(d => d.Topic).HasMaxLength(32);
        // No foreign key to the subscription: a reader who unsubscribes keeps a working link to the page.
        builder.HasMany(d => d.Stories).WithOne().HasForeignKey(s => s.DigestId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DigestStoryConfiguration : IEntityTypeConfiguration<DigestStory>
{
    public void Configure(EntityTypeBuilder<DigestStory> builder)
    {
        builder.ToTable("digest_stories");
        builder.HasKey(s => new { s.DigestId, s.Position });
        builder.Property(s => s.ArticleId).HasMaxLength(Articles.ArticleLimits.ArticleIdLength);
    }
}
