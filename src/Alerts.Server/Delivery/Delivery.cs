using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alerts.Delivery;

/// <summary>
/// Claimed: a worker holds it and is about to push (until its lease ends). Retrying: the push service
/// asked us to come back later; a delayed retry batch is in the outbox. The rest are final: Sent, Failed
/// (the push service refused it), Gone (404/410 or unsubscribed meanwhile), Expired (the TTL ran out
/// first), Held (waiting for the end of the reader's quiet hours, or of their day past their daily
/// limit) and Released (a held push that went out after them, in a notification of its own for that
/// reader: see Digests/HeldDeliveryReleaser).
/// </summary>
public enum DeliveryOutcome { Sent, Failed, Gone, Held, Released, Claimed, Retrying, Expired }

/// <summary>Why a push is <see cref="DeliveryOutcome.Held"/>: the release says "N more stories" for the daily limit.</summary>
public enum HoldReason { QuietHours, DailyLimit }

/// <summary>
/// The delivery ledger: one row per notification and subscription, written before the push is sent
/// (the claim) and completed with its outcome. The primary key is what makes every push happen once;
/// the article id lets digests leave out stories a reader was already pushed.
/// </summary>
public sealed class Delivery
{
    public Guid NotificationId { get; set; }
    public Guid SubscriptionId { get; set; }
    public DeliveryOutcome Outcome { get; set; }
    public string? ArticleId { get; set; }
    public DateTime At { get; set; }
    /// <summary>For <see cref="DeliveryOutcome.Held"/>: the end of the reader's quiet hours or day (UTC).</summary>
    public DateTime? HeldUntil { get; set; }
    /// <summary>For <see cref="DeliveryOutcome.Held"/>: why; null (rows held before the daily limit existed) means quiet hours.</summary>
    public HoldReason? HeldBy { get; set; }
    /// <summary>Who holds a <see cref="DeliveryOutcome.Claimed"/> row: outcomes are written only under the same token.</summary>
    public Guid? ClaimToken { get; set; }
    /// <summary>A claim not completed by then (its worker died) may be taken again.</summary>
    public DateTime? LeaseUntil { get; set; }
    /// <summary>How many times a push was claimed for this reader (retries count up).</summary>
    public int Attempts { get; set; }
    /// <summary>When the reader first clicked it (from the push's click token); later clicks do not count again.</summary>
    public DateTime? ClickedAt { get; set; }
    /// <summary>When the push service answered the final attempt (sent, gone or refused); null when none answered.</summary>
    public DateTime? AnsweredAt { get; set; }
    /// <summary>The push service host the push went to (the endpoint's host), for per-service statistics.</summary>
    public string? Host { get; set; }
    /// <summary>When the reader's browser first reported showing it (from the push's token); later reports do not count again.</summary>
    public DateTime? DisplayedAt { get; set; }
    /// <summary>For a headline test: the variant this reader was sent (the winner after the decision); null otherwise.</summary>
    public int? Variant { get; set; }
}

internal sealed class DeliveryConfiguration : IEntityTypeConfiguration<Delivery>
{
    public void Configure(EntityTypeBuilder<Delivery> builder)
    {
        builder.ToTable("deliveries");
        builder.HasKey(d => new { d.NotificationId, d.SubscriptionId });
        builder.Property(d => d.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.ArticleId).HasMaxLength(200);
        builder.Property(d => d.Host).HasMaxLength(255);
        builder.Property(d => d.HeldBy).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(d => new { d.SubscriptionId, d.ArticleId });
        builder.HasIndex(d => new { d.Outcome, d.HeldUntil });
        builder.HasIndex(d => d.At);
        // The daily limit counts a batch's capped readers' article pushes since their local midnight.
        builder.HasIndex(d => new { d.SubscriptionId, d.At }).HasFilter("\"ArticleId\" IS NOT NULL");
    }
}
