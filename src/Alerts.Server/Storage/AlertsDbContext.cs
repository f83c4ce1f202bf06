using Alerts.Articles;
using Alerts.Digests;
using Alerts.Notifications;
using Alerts.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Storage;

/// <summary>
/// The store. Each provider has its own subclass so that each keeps its own migrations
/// (SQLite for the embedded mode, PostgreSQL in production).
/// </summary>
public abstract class AlertsDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Subscription> Subscriptions => Set<Subscription>();
    public DbSet<SubscriptionSection> SubscriptionSections => Set<SubscriptionSection>();
    public DbSet<SectionMute> SectionMutes => Set<SectionMute>();
    public DbSet<Article> Articles => Set<Article>();
    public DbSet<ArticleSection> ArticleSections => Set<ArticleSection>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<HeadlineVariant> HeadlineVariants => Set<HeadlineVariant>();
    public DbSet<Delivery.Delivery> Deliveries => Set<Delivery.Delivery>();
    public DbSet<Setting> Settings => Set<Setting>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<ClickHour> ClickHours => Set<ClickHour>();
    public DbSet<Digest> Digests => Set<Digest>();
    public DbSet<Outbox.OutboxMessage> OutboxMessages => Set<Outbox.OutboxMessage>();
    public DbSet<DigestStory> DigestStories => Set<DigestStory>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AlertsDbContext).Assembly);

    /// <summary>True when the exception is a unique-key violation (another replica or a redelivery got there first).</summary>
    public abstract bool IsUniqueViolation(DbUpdateException exception);

    /// <summary>True for PostgreSQL; the delivery ledger and the outbox relay use its own SQL there.</summary>
    public bool IsPostgres => this is PostgresAlertsDbContext;
}

public sealed class PostgresAlertsDbContext(DbContextOptions<PostgresAlertsDbContext> options) : AlertsDbContext(options)
{
    public override bool IsUniqueViolation(DbUpdateException exception) =>
        exception.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation };
}

public sealed class SqliteAlertsDbContext(DbContextOptions<SqliteAlertsDbContext> options) : AlertsDbContext(options)
{
    public override bool IsUniqueViolation(DbUpdateException exception) =>
        exception.InnerException is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 };

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite keeps no time zone: every DateTime in the store is UTC, so say so when reading back.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
        v => v.ToUniversalTime(), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
