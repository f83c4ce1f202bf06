using Alerts.Contracts;
using Alerts.Delivery;
using Alerts.Delivery.Ledger;
using Alerts.IntegrationTests.Infrastructure;
using Alerts.Notifications;
using Alerts.Storage;
using Alerts.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Alerts.IntegrationTests.Delivery;

/// <summary>
/// The delivery ledger's SQL on both stores, statement by statement: what a claim takes, what an outcome
/// counts. These are the rules every "exactly once" guarantee stands on.
/// </summary>
public sealed class DeliveryLedgerTests : IAsyncLifetime
{
    private readonly string _postgres = $"alerts_ledger_{Guid.NewGuid():N}"[..28];
    private readonly string _sqliteFile = Path.Combine(Path.GetTempPath(), $"alerts-ledger-{Guid.NewGuid():N}.db");

    public async Task InitializeAsync() => await LocalServices.CreateDatabaseAsync(_postgres);

    public async Task DisposeAsync()
    {
        await LocalServices.DropDatabaseAsync(_postgres);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_sqliteFile);
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task A_reader_is_claimed_by_one_worker_and_counted_once(string store)
    {
        await using var db = await OpenAsync(store);
        var (notification, readers) = await SeedAsync(db, readerCount: 3);
        var ledger = DeliveryLedger.For(db);
        var batch = new DeliverNotificationBatch(notification.Id, 0, readers);
        var now = DateTime.UtcNow;

        var first = await ledger.ClaimAsync(notification, batch, Guid.NewGuid(), now, now.AddMinutes(5), default);
        var second = await ledger.ClaimAsync(notification, batch, Guid.NewGuid(), now, now.AddMinutes(5), default);

        Assert.Equal(readers.Order(), first.Select(c => c.SubscriptionId).Order());
        Assert.All(first, c => Assert.NotNull(c.Recipient));
        Assert.Empty(second);
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task Outcomes_count_only_under_the_claims_own_token_and_only_once(string store)
    {
        await using var db = await OpenAsync(store);
        var (notification, readers) = await SeedAsync(db, readerCount: 2);
        var ledger = DeliveryLedger.For(db);
        var token = Guid.NewGuid();
        var now = DateTime.UtcNow;
        await ledger.ClaimAsync(notification, new DeliverNotificationBatch(notification.Id, 0, readers), token, now, now.AddMinutes(5), default);

        var stranger = Write(readers.Select(r => new LedgerEntry(r, DeliveryOutcome.Sent)));
        var notCounted = await ledger.RecordAsync(notification.Id, Guid.NewGuid(), stranger, now, 3, default);
        var counted = await ledger.RecordAsync(notification.Id, token, Write(readers.Select(r => new LedgerEntry(r, DeliveryOutcome.Sent))), now, 3, default);
        var again = await ledger.RecordAsync(notification.Id, token, Write(readers.Select(r => new LedgerEntry(r, DeliveryOutcome.Sent))), now, 3, default);

        Assert.Equal(0, notCounted!.Finished);
        Assert.Equal(2, counted!.Finished);
        Assert.Equal(2, again!.Finished);
        Assert.True(again.AllFinished, "Every targeted reader has an outcome, so the notification can end.");
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task A_claim_whose_lease_ended_is_taken_again_and_the_dead_claims_late_outcome_is_ignored(string store)
    {
        await using var db = await OpenAsync(store);
        var (notification, readers) = await SeedAsync(db, readerCount: 1);
        var ledger = DeliveryLedger.For(db);
        var batch = new DeliverNotificationBatch(notification.Id, 0, readers);
        var dead = Guid.NewGuid();
        var then = DateTime.UtcNow.AddMinutes(-10);
        await ledger.ClaimAsync(notification, batch, dead, then, then.AddMinutes(5), default);

        var now = DateTime.UtcNow;
        var heldBefore = await ledger.HeldElsewhereAsync(notification.Id, readers, Guid.NewGuid(), default);
        var retaken = await ledger.ClaimAsync(notification, batch, Guid.NewGuid(), now, now.AddMinutes(5), default);
        var late = await ledger.RecordAsync(notification.Id, dead, Write([new LedgerEntry(readers[0], DeliveryOutcome.Sent)]), now, 3, default);

        Assert.Single(heldBefore);
        Assert.Single(retaken);
        Assert.Equal(0, late!.Finished);
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task A_push_waiting_to_retry_is_taken_by_its_retry_batch_only_not_by_a_redelivered_first_batch(string store)
    {
        await using var db = await OpenAsync(store);
        var (notification, readers) = await SeedAsync(db, readerCount: 1);
        var ledger = DeliveryLedger.For(db);
        var firstBatch = new DeliverNotificationBatch(notification.Id, 0, readers);
        var token = Guid.NewGuid();
        var now = DateTime.UtcNow;
        await ledger.ClaimAsync(notification, firstBatch, token, now, now.AddMinutes(5), default);
        await ledger.RecordAsync(notification.Id, token, Write([new LedgerEntry(readers[0], DeliveryOutcome.Retrying)]), now, 3, default);

        var redelivered = await ledger.ClaimAsync(notification, firstBatch, Guid.NewGuid(), now, now.AddMinutes(5), default);
        var retry = await ledger.ClaimAsync(notification, firstBatch with { Attempt = 2 }, Guid.NewGuid(), now, now.AddMinutes(5), default);
        var retryAgain = await ledger.ClaimAsync(notification, firstBatch with { Attempt = 2 }, Guid.NewGuid(), now, now.AddMinutes(5), default);

        Assert.Empty(redelivered);
        Assert.Single(retry);
        Assert.Empty(retryAgain);
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task Nothing_is_claimed_for_a_cancelled_notification(string store)
    {
        await using var db = await OpenAsync(store);
        var (notification, readers) = await SeedAsync(db, readerCount: 2);
        await db.Notifications.Where(n => n.Id == notification.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(n => n.Status, NotificationStatus.Cancelled));
        var now = DateTime.UtcNow;

        var claimed = await DeliveryLedger.For(db).ClaimAsync(notification, new DeliverNotificationBatch(notification.Id, 0, readers), Guid.NewGuid(), now, now.AddMinutes(5), default);

        Assert.Empty(claimed);
    }

    private static LedgerWrite Write(IEnumerable<LedgerEntry> entries)
    {
        var write = new LedgerWrite();
        write.Entries.AddRange(entries);
        return write;
    }

    private async Task<AlertsDbContext> OpenAsync(string store)
    {
        AlertsDbContext db;
        if (store == "Postgres")
        {
            var options = new DbContextOptionsBuilder<PostgresAlertsDbContext>();
            StorageExtensions.ConfigurePostgres(options, LocalServices.PostgresDatabase(_postgres));
            db = new PostgresAlertsDbContext(options.Options);
        }
        else
        {
            var options = new DbContextOptionsBuilder<SqliteAlertsDbContext>();
            StorageExtensions.ConfigureSqlite(options, $"Data Source={_sqliteFile}");
            db = new SqliteAlertsDbContext(options.Options);
        }
        await db.Database.MigrateAsync();
        return db;
    }

    private static async Task<(Notification Notification, List<Guid> Readers)> SeedAsync(AlertsDbContext db, int readerCount)
    {
        var now = DateTime.UtcNow;
        var notification = new Notification
        {
            Id = Guid.CreateVersion7(), Kind = NotificationKind.Breaking, Status = NotificationStatus.Sending, Title = "Ledger", Body = "",
            Url = "https://news.example/ledger", TtlSeconds = 3600, CreatedAt = now, Planned = true, Targeted = readerCount,
        };
        db.Notifications.Add(notification);
        var readers = new List<Guid>();
        for (var i = 0; i < readerCount; i++)
        {
            var subscriber = TestSubscriber.Create();
            var id = Guid.CreateVersion7();
            readers.Add(id);
            db.Subscriptions.Add(new Subscription
            {
                Id = id, Endpoint = $"https://push.example/{id}", EndpointHash = id.ToString("N"), P256dh = subscriber.P256dh, Auth = subscriber.Auth,
                TokenHash = id.ToString("N"), TimeZone = "UTC", Mode = DeliveryMode.Instant, CreatedAt = now, UpdatedAt = now,
            });
        }
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return (notification, readers);
    }
}
