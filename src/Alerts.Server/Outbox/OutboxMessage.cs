using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alerts.Outbox;

/// <summary>Which queue an outbox row goes to, and so which message it carries.</summary>
public enum OutboxKind { PlanNotification, DeliverBatch }

/// <summary>
/// A bus message written in the same transaction as the state it announces, so the message exists if
/// and only if that state does. The relay publishes rows once <see cref="AvailableAt"/> has come
/// (scheduled alerts, retries with back-off); the consumer deletes the row when it has finished the work,
/// so a row that stays published for long is published again (see <see cref="OutboxRelay"/>).
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public OutboxKind Kind { get; set; }
    public Guid NotificationId { get; set; }
    /// <summary>The message as JSON (for batches: their subscription ids and attempt).</summary>
    public string Body { get; set; } = "{}";
    public DateTime CreatedAt { get; set; }
    public DateTime AvailableAt { get; set; }
    /// <summary>When the relay last handed it to the bus; null while waiting.</summary>
    public DateTime? PublishedAt { get; set; }
    public int Publications { get; set; }
    /// <summary>The trace (W3C traceparent) the row was written in, so its publication joins that trace.</summary>
    public string? TraceParent { get; set; }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox_messages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Kind).HasConversion<string>().HasMaxLength(32);
        builder.Property(m => m.TraceParent).HasMaxLength(64);
        builder.HasIndex(m => new { m.PublishedAt, m.AvailableAt });
        builder.HasIndex(m => m.NotificationId);
    }
}
