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
    /// <summary>Subscriptions removed in this hour because they showed none of their recent pushes (see Subscriptions/SilentReaderSweep).</summary>
    public int Silent { get; set; }

    public static DateTime Of(DateTime utc) => new(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc);

    /// <summary>Adds one click to the hour; one upsert statement, so concurrent clicks never lose a count.</summary>
    public static Task CountAsync(AlertsDbContext db, DateTime utcNow, CancellationToken cancellationToken)
    {
        var hour = Of(utcNow);
        // The same statement works on PostgreSQL and SQLite (3.24+).
        return db.Database.ExecuteSqlInterpolatedAsync(
            $"""INSERT INTO click_hours ("Hour", "Clicks") VALUES ({hour}, 1) ON CONFLICT ("Hour") DO UPDATE SET "Clicks" = click_hours."Clicks" + 1""",
            cancellationToken);
    }

    /// <summary>Adds subscriptions removed as silent to the hour (see Delivery/SilentReaders).</summary>
    public static Task CountSilentAsync(AlertsDbContext db, DateTime utcNow, int removed, CancellationToken cancellationToken)
    {
        var hour = Of(utcNow);
        return db.Database.ExecuteSqlInterpolatedAsync(
            $"""INSERT INTO click_hours ("Hour", "Clicks", "Silent") VALUES ({hour}, 0, {removed}) ON CONFLICT ("Hour") DO UPDATE SET "Silent" = click_hours."Silent" + {removed}""",
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
