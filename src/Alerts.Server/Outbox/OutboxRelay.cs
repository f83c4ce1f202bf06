using Alerts.Delivery;
using Alerts.Hosting;
using Alerts.Messaging;
using Alerts.Notifications;
using Alerts.Storage;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Alerts.Outbox;

/// <summary>
/// Publishes due outbox rows to the bus (Worker role). On PostgreSQL several relays share the table:
/// each takes rows with FOR UPDATE SKIP LOCKED, publishes them (with publisher confirms on RabbitMQ) and
/// marks them published in the same transaction, so a relay that dies mid-way leaves its rows to another.
/// A row may therefore be published twice; every consumer is idempotent. While the bus or the store is
/// down, rows simply wait: nothing that was accepted is lost.
/// </summary>
public sealed class OutboxRelay(
    IServiceScopeFactory scopes, IBus bus, AlertsOptions alerts, IOptions<OutboxOptions> options, OutboxSignal signal, TimeProvider time,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private readonly Uri _planQueue = WorkQueues.Address(SendNotificationConsumerDefinition.QueueName, alerts.Transport);
    private readonly Uri _batchQueue = WorkQueues.Address(DeliverNotificationBatchConsumerDefinition.QueueName, alerts.Transport);

    private static readonly Gauge Waiting = Metrics.CreateGauge("alerts_outbox_pending", "Outbox rows due and not yet published.");
    private static readonly Counter Published = Metrics.CreateCounter("alerts_outbox_published_total", "Outbox rows published to the bus.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var failures = 0;
        // The in-memory bus forgets everything with the process: what it had taken is published again.
        var resumeAfterRestart = alerts.Transport == TransportKind.InMemory;
        while (!stoppingToken.IsCancellationRequested)
        {
            var published = 0;
            try
            {
                if (resumeAfterRestart)
                {
                    await ForgetInMemoryPublicationsAsync(stoppingToken);
                    resumeAfterRestart = false;
                }
                published = await RelayOnceAsync(stoppingToken);
                if (failures > 0) logger.LogInformation("The outbox relay is publishing again after {Failures} failed attempts", failures);
                failures = 0;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The store or the bus is away: the rows wait. Log the first failure and then every 20th.
                if (failures++ % 20 == 0) logger.LogWarning("The outbox relay cannot publish yet: {Message}", e.Message);
                await PauseAsync(TimeSpan.FromSeconds(Math.Min(failures, 5)), stoppingToken);
                continue;
            }
            // Until the next poll, or until rows are written (PostgreSQL tells: see OutboxListener).
            if (published < settings.BatchSize) await signal.WaitAsync(settings.PollInterval, stoppingToken);
        }
    }

    /// <summary>Waits in real time (due times are compared with the service's clock, which tests may hold still).</summary>
    private static async Task PauseAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>Publishes one page of due rows; returns how many.</summary>
    private async Task<int> RelayOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        // A retried unit may publish a row twice, which its consumer shrugs off.
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(token => PublishDueAsync(db, token), cancellationToken);
    }

    private async Task<int> PublishDueAsync(AlertsDbContext db, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var stale = now - settings.RedeliverAfter;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var rows = db.IsPostgres
            ? await db.OutboxMessages.FromSql($"""
                SELECT * FROM outbox_messages
                WHERE ("PublishedAt" IS NULL OR "PublishedAt" < {stale}) AND "AvailableAt" <= {now}
                ORDER BY "Id" LIMIT {settings.BatchSize} FOR UPDATE SKIP LOCKED
                """).AsNoTracking().ToListAsync(cancellationToken)
            : await db.OutboxMessages.AsNoTracking()
                .Where(m => (m.PublishedAt == null || m.PublishedAt < stale) && m.AvailableAt <= now)
                .OrderBy(m => m.Id).Take(settings.BatchSize).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            Waiting.Set(0);
            return 0;
        }

        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(settings.PublishTimeout);
            var plans = await bus.GetSendEndpoint(_planQueue);
            var batches = await bus.GetSendEndpoint(_batchQueue);
            await Task.WhenAll(rows.Select(async row =>
            {
                // The publication joins the trace of the request (or consumer) that wrote the row.
                using var activity = Observability.Telemetry.ContinueTrace("outbox publish", row.TraceParent);
                await (row.Kind == OutboxKind.PlanNotification ? plans : batches).SendToQueue(OutboxMessages.ToMessage(row), timeout.Token);
            }));
        }

        var ids = rows.Select(r => r.Id).ToList();
        await db.OutboxMessages.Where(m => ids.Contains(m.Id)).ExecuteUpdateAsync(u => u
            .SetProperty(m => m.PublishedAt, now)
            .SetProperty(m => m.Publications, m => m.Publications + 1), cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        Published.Inc(rows.Count);
        var redelivered = rows.Count(r => r.PublishedAt is not null);
        if (redelivered > 0)
            logger.LogWarning("Published {Count} outbox rows again that were not finished within {RedeliverAfter}", redelivered, settings.RedeliverAfter);
        if (rows.Count == settings.BatchSize)
            Waiting.Set(await db.OutboxMessages.CountAsync(m => m.PublishedAt == null && m.AvailableAt <= now, cancellationToken));
        else Waiting.Set(0);
        return rows.Count;
    }

    /// <summary>
    /// With the in-memory bus there is one process: after a restart, whatever the last one had published
    /// or claimed died with it. Publish those rows again, and end its claims' leases now.
    /// </summary>
    private async Task ForgetInMemoryPublicationsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var forgotten = await db.OutboxMessages.Where(m => m.PublishedAt != null)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.PublishedAt, (DateTime?)null), cancellationToken);
        var released = await db.Deliveries.Where(d => d.Outcome == DeliveryOutcome.Claimed && d.LeaseUntil > now)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.LeaseUntil, now), cancellationToken);
        if (forgotten + released > 0)
            logger.LogInformation("Resuming after a restart: {Rows} outbox rows published again, {Claims} claims released", forgotten, released);
    }
}
