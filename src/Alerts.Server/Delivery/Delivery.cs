using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alerts.Delivery;

/// <summary>
/// Held: waiting for the end of the reader's quiet hours. Released: went out after them, in a
/// notification of its own for that reader (see Digests/HeldDeliveryReleaser).
/// </summary>
public enum DeliveryOutcome { Sent, Failed, Gone, Held, Released }

/// <summary>
/// One notification's result for one subscription. The primary key makes a redelivered batch skip
/// readers already served; the article id lets digests leave out stories a reader was already pushed.
/// </summary>
public sealed class Delivery
{
    public Guid NotificationId { get; set; }
    public Guid SubscriptionId { get; set; }
    public DeliveryOutcome Outcome { get; set; }
    public string? ArticleId { get; set; }
    public DateTime At { get; set; }
    /// <summary>For <see cref="DeliveryOutcome.Held"/>: the end of the reader's quiet hours (UTC).</summary>
    public DateTime? HeldUntil { get; set; }
}

internal sealed class DeliveryConfiguration : IEntityTypeConfiguration<Delivery>
{
    public void Configure(EntityTypeBuilder<Delivery> builder)
    {
        builder.ToTable("deliveries");
        builder.HasKey(d => new { d.NotificationId, d.SubscriptionId });
        builder.Property(d => d.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.ArticleId).HasMaxLength(200);
        builder.HasIndex(d => new { d.SubscriptionId, d.ArticleId });
        builder.HasIndex(d => new { d.Outcome, d.HeldUntil });
        builder.HasIndex(d => d.At);
    }
}
