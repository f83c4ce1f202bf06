using Alerts.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alerts.Notifications;

/// <summary>
/// Clicks per hour (UTC), for the editors' chart. A counter per hour rather than a row per click keeps
/// the table tiny however popular an alert is; per-notification totals stay on the notification.
/// </summary>
public sealed class ClickHour
{
    public DateTime Hour { get; set; }
    public int Clicks { get; set; }
    /// <summary>Subscriptions removed in this hour because they showed none of their recent pushes (see Delivery/SilentReaders).</summary>
    public int Silent { get; set; }

    public static DateTime Of(DateTime utc) => new(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc);

    /// <summary>Adds one click to the hour.</summary>
    public static Task CountAsync(AlertsDbContext db, DateTime utcNow, CancellationToken cancellationToken) =>
        AddAsync(db, utcNow, clicks: 1, silent: 0, cancellationToken);

    /// <summary>Adds subscriptions removed as silent to the hour (see Delivery/SilentReaders).</summary>
    public static Task CountSilentAsync(AlertsDbContext db, DateTime utcNow, int removed, CancellationToken cancellationToken) =>
        AddAsync(db, utcNow, clicks: 0, silent: removed, cancellationToken);

    /// <summary>One upsert statement, so concurrent counts never lose one; the same on PostgreSQL and SQLite (3.24+).</summary>
    private static Task AddAsync(AlertsDbContext db, DateTime utcNow, int clicks, int silent, CancellationToken cancellationToken)
    {
        var hour = Of(utcNow);
        return db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO click_hours ("Hour", "Clicks", "Silent") VALUES ({hour}, {clicks}, {silent})
            ON CONFLICT ("Hour") DO UPDATE SET "Clicks" = click_hours."Clicks" + {clicks}, "Silent" = click_hours."Silent" + {silent}
            """,
            cancellationToken);
    }
}

internal sealed class ClickHourConfiguration : IEntityTypeConfiguration<ClickHour>
{
    public void Configure(EntityTypeBuilder<ClickHour> builder)
    {
        builder.ToTable("click_hours");
        builder.HasKey(c => c.Hour);
    }
}
