using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alerts.Digests;

public enum DigestKind
{
    /// <summary>A digest subscriber's daily or hourly digest.</summary>
    Scheduled,
    /// <summary>Articles held in an instant subscriber's quiet hours, sent when they end.</summary>
    QuietHours,
}

/// <summary>
/// A notification meant for one reader, with the stories it lists. Its id is the notification's id
/// (unguessable, so it doubles as the address of the /digest/{id} page). The unique key on
/// (subscription, kind, period) is what makes a digest go out at most once per reader and period,
/// whichever Scheduler process gets there first.
/// </summary>
public sealed class Digest
{
    public Guid Id { get; set; }
    public Guid SubscriptionId { get; set; }
    public DigestKind Kind { get; set; }
    /// <summary>The due time of the period (scheduled) or the end of the quiet hours (UTC).</summary>
    public DateTime PeriodStart { get; set; }
    public DateTime CreatedAt { get; set; }
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
