using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alerts.Notifications;

/// <summary>Decided: a headline test's winner was chosen (the outcome says which, and the rates).</summary>
public enum AuditAction { Accepted, Cancelled, Completed, Corrected, Decided }

/// <summary>
/// One line of the alerts' audit trail: who did what to which alert, for whom, and how it ended.
/// Written in the store next to the alert, so it survives restarts; never updated or deleted by the service.
/// </summary>
public sealed class AuditEntry
{
    public Guid Id { get; set; }
    public DateTime At { get; set; }
    /// <summary>The API key name, or "cms" for a breaking article event, or "service" for what the service did itself.</summary>
    public required string Actor { get; set; }
    public AuditAction Action { get; set; }
    public Guid NotificationId { get; set; }
    public required string Title { get; set; }
    public required string Url { get; set; }
    /// <summary>"everyone" or the section ids, comma separated.</summary>
    public required string Audience { get; set; }
    public required string Outcome { get; set; }
    /// <summary>
    /// The other half of a correction: on a correction's entries the alert it corrects; on the corrected
    /// alert's <see cref="AuditAction.Corrected"/> entry, the correction.
    /// </summary>
    public Guid? LinkedNotificationId { get; set; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_log");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Actor).HasMaxLength(100);
        builder.Property(a => a.Action).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.Title).HasMaxLength(300);
        builder.Property(a => a.Url).HasMaxLength(2048);
        builder.Property(a => a.Audience).HasMaxLength(2000);
        builder.Property(a => a.Outcome).HasMaxLength(500);
        builder.HasIndex(a => a.At);
        builder.HasIndex(a => a.NotificationId);
    }
}

public static class AuditTrail
{
    public const string ServiceActor = "service";

    public static AuditEntry Entry(Notification notification, AuditAction action, string actor, string outcome, DateTime at, Guid? linked = null) => new()
    {
        LinkedNotificationId = linked ?? notification.CorrectsId,
        Id = Guid.CreateVersion7(),
        At = at,
        Actor = Truncate(actor, 100),
        Action = action,
        NotificationId = notification.Id,
        Title = Truncate(notification.Title, 300),
        Url = notification.Url,
        Audience = Truncate(notification.Sections ?? "everyone", 2000),
        Outcome = Truncate(outcome, 500),
    };

    public static string Counts(Notification n) =>
        $"targeted {n.Targeted}, sent {n.Sent}, failed {n.Failed}, gone {n.Gone}, expired {n.Expired}, held {n.Held}";

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}

public sealed record AuditEntryView(
    Guid Id, DateTime At, string Actor, string Action, Guid NotificationId, string Title, string Url, string Audience, string Outcome,
    Guid? LinkedNotificationId)
{
    public static AuditEntryView From(AuditEntry a) => new(
        a.Id, a.At, a.Actor, a.Action.ToString().ToLowerInvariant(), a.NotificationId, a.Title, a.Url, a.Audience, a.Outcome,
        a.LinkedNotificationId);
}
