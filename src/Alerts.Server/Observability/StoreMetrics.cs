using Alerts.Sections;
using Alerts.Storage;
using Alerts.Subscriptions;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Prometheus;

namespace Alerts.Observability;

/// <summary>
/// Gauges read from the store every Alerts:Metrics:RefreshInterval (default one minute) by Scheduler
/// processes: subscriptions by section and delivery mode, notifications in flight, and Hangfire's jobs by state. Every pod that
/// runs them reports the same cluster-wide numbers, so dashboards and rules take max(), never sum().
/// </summary>
internal sealed class StoreMetrics(IServiceScopeFactory scopes, SectionCatalog sections, JobStorage jobs, IConfiguration configuration, ILogger<StoreMetrics> logger)
    : BackgroundService
{
    public const string RefreshIntervalKey = "Alerts:Metrics:RefreshInterval";

    private static readonly Gauge Subscriptions = Metrics.CreateGauge(
        "alerts_subscriptions", "Subscriptions by section and delivery mode (a reader with two sections counts in both).", "section", "mode");
    private static readonly Gauge HangfireJobs = Metrics.CreateGauge(
        "alerts_hangfire_jobs", "Hangfire jobs by state (failed: retries used up; see /hangfire).", "state");
    private static readonly Gauge InFlight = Metrics.CreateGauge(
        "alerts_notifications_in_flight", "Notifications being sent: planned or planning, with readers still pending.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue(RefreshIntervalKey, TimeSpan.FromMinutes(1));
        if (interval <= TimeSpan.Zero)
            throw new InvalidOperationException($"Configuration key '{RefreshIntervalKey}' must be a positive time span such as 00:01:00.");
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(stoppingToken);
                failing = false;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Once per outage, not once per minute: readiness already reports the store.
                if (!failing) logger.LogWarning("Could not refresh the store metrics: {Message}", e.Message);
                failing = true;
            }
            await Task.Delay(interval, stoppingToken);
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var counts = await db.SubscriptionSections.AsNoTracking()
            .Join(db.Subscriptions, section => section.SubscriptionId, subscription => subscription.Id,
                (section, subscription) => new { section.SectionId, subscription.Mode })
            .GroupBy(x => new { x.SectionId, x.Mode })
            .Select(g => new { g.Key.SectionId, g.Key.Mode, Count = g.Count() })
            .ToListAsync(cancellationToken);
        foreach (var section in sections.All)
            foreach (var mode in Enum.GetValues<DeliveryMode>())
                Subscriptions.WithLabels(section.Id, mode.ToString().ToLowerInvariant())
                    .Set(counts.FirstOrDefault(c => c.SectionId == section.Id && c.Mode == mode)?.Count ?? 0);

        InFlight.Set(await db.Notifications.CountAsync(n => n.Status == Notifications.NotificationStatus.Sending, cancellationToken));

        var statistics = jobs.GetMonitoringApi().GetStatistics();
        HangfireJobs.WithLabels("enqueued").Set(statistics.Enqueued);
        HangfireJobs.WithLabels("scheduled").Set(statistics.Scheduled);
        HangfireJobs.WithLabels("processing").Set(statistics.Processing);
        HangfireJobs.WithLabels("failed").Set(statistics.Failed);
    }
}
