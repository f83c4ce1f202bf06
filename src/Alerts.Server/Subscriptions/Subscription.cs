using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alerts.Subscriptions;

public enum DeliveryMode { Instant, Digest }

public enum DigestFrequency { Daily, Hourly }

/// <summary>A reader's browser push subscription and the preferences that decide what it receives.</summary>
public sealed class Subscription
{
    public Guid Id { get; set; }
    public required string Endpoint { get; set; }
    /// <summary>SHA-256 of the endpoint: endpoints are long, so uniqueness is enforced on the hash.</summary>
    public required string EndpointHash { get; set; }
    public required string P256dh { get; set; }
    public required string Auth { get; set; }
    /// <summary>SHA-256 of the management token; the token itself is shown once and never stored.</summary>
    public required string TokenHash { get; set; }
    /// <summary>
    /// The token before the last refresh without one: a browser re-posting its subscription gets a new
    /// token, and the page that still holds the old one keeps working.
    /// </summary>
    public string? PreviousTokenHash { get; set; }
    public List<SubscriptionSection> Sections { get; set; } = [];
    /// <summary>Sections the reader muted for a while (from a notification's "Mute" action); expired rows mean nothing.</summary>
    public List<SectionMute> Mutes { get; set; } = [];
    public DeliveryMode Mode { get; set; }
    public DigestFrequency? DigestFrequency { get; set; }
    public TimeOnly? DigestAt { get; set; }
    public TimeOnly? QuietFrom { get; set; }
    public TimeOnly? QuietTo { get; set; }
    public required string TimeZone { get; set; }
    public bool Paused { get; set; }
    /// <summary>
    /// At most this many article pushes a local day (1–50); past it articles wait for the end of the
    /// reader's day and go out folded into one notification. Null: no limit.
    /// </summary>
    public int? MaxPerDay { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Failures (other 4xx answers) in a row; a subscription failing repeatedly is removed.</summary>
    public int ConsecutiveFailures { get; set; }
    /// <summary>When the next digest is due (UTC); null for instant subscribers.</summary>
    public DateTime? NextDigestAt { get; set; }
    public DateTime? LastDigestAt { get; set; }
}

public sealed class SubscriptionSection
{
    public Guid SubscriptionId { get; set; }
    public required string SectionId { get; set; }
}

internal sealed class SubscriptionConfiguration : IEntityTypeConfiguration<Subscription>
{
    public void Configure(EntityTypeBuilder<Subscription> builder)
    {
        builder.ToTable("subscriptions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Endpoint).HasMaxLength(SubscriptionLimits.EndpointLength);
        builder.Property(s => s.EndpointHash).HasMaxLength(64);
        builder.HasIndex(s => s.EndpointHash).IsUnique();
        builder.Property(s => s.P256dh).HasMaxLength(100);
        builder.Property(s => s.Auth).HasMaxLength(40);
        builder.Property(s => s.TokenHash).HasMaxLength(64);
        builder.Property(s => s.PreviousTokenHash).HasMaxLength(64);
        builder.Property(s => s.Mode).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.DigestFrequency).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.TimeZone).HasMaxLength(SubscriptionLimits.TimeZoneLength);
        builder.HasIndex(s => s.NextDigestAt);
        builder.HasMany(s => s.Sections).WithOne().HasForeignKey(s => s.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(s => s.Mutes).WithOne().HasForeignKey(m => m.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SubscriptionSectionConfiguration : IEntityTypeConfiguration<SubscriptionSection>
{
    public void Configure(EntityTypeBuilder<SubscriptionSection> builder)
    {
        builder.ToTable("subscription_sections");
        builder.HasKey(s => new { s.SubscriptionId, s.SectionId });
        builder.Property(s => s.SectionId).HasMaxLength(SubscriptionLimits.SectionIdLength);
        // Matching looks subscribers up by section.
        builder.HasIndex(s => new { s.SectionId, s.SubscriptionId });
    }
}

public static class SubscriptionLimits
{
    public const int EndpointLength = 1024;
    public const int SectionIdLength = 64;
    public const int TimeZoneLength = 64;
    public const int MaxSections = 64;
    public const int MinPerDay = 1;
    public const int MaxPerDay = 50;
}
