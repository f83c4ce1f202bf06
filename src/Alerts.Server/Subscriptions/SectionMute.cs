using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alerts.Subscriptions;

/// <summary>
/// A section a reader muted until <see cref="Until"/> (UTC): matching skips it for that reader until then.
/// One row per reader and section; muting again moves the end.
/// </summary>
public sealed class SectionMute
{
    public Guid SubscriptionId { get; set; }
    public required string SectionId { get; set; }
    public DateTime Until { get; set; }
}

internal sealed class SectionMuteConfiguration : IEntityTypeConfiguration<SectionMute>
{
    public void Configure(EntityTypeBuilder<SectionMute> builder)
    {
        builder.ToTable("section_mutes");
        builder.HasKey(m => new { m.SubscriptionId, m.SectionId });
        builder.Property(m => m.SectionId).HasMaxLength(SubscriptionLimits.SectionIdLength);
    }
}
