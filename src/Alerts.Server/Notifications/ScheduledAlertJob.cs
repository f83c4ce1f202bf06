using Alerts.Contracts;
using Hangfire;
using Alerts.Storage;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Notifications;

/// <summary>
/// Hangfire runs this at an alert's <c>sendAt</c>: it hands the alert to the fan-out unless it was
/// cancelled meanwhile. Hangfire retries it if the bus is briefly away.
/// </summary>
public sealed class ScheduledAlertJob(AlertsDbContext db, IBus bus, TimeProvider time, ILogger<ScheduledAlertJob> logger)
{
    public async Task SendAsync(Guid notificationId, CancellationToken cancellationToken)
    {
        var alert = await db.Notifications.AsNoTracking().Where(n => n.Id == notificationId)
            .Select(n => new { n.Status, n.SendAt }).FirstOrDefaultAsync(cancellationToken);
        if (alert?.Status != NotificationStatus.Scheduled)
        {
            logger.LogInformation("Scheduled notification {NotificationId} is {Status}; nothing to send", notificationId, alert?.Status.ToString() ?? "gone");
            return;
        }
        // Hangfire keeps schedule times in whole seconds and may start the job up to a second early.
        var early = alert.SendAt - time.GetUtcNow().UtcDateTime;
        if (early > TimeSpan.Zero) await Task.Delay(early.Value, time, cancellationToken);
        var endpoint = await bus.GetSendEndpoint(AlertSender.SendQueue);
        await endpoint.Send(new SendNotification(notificationId), cancellationToken);
    }
}

/// <summary>
/// Every minute, hands on editors' alerts that should be sending but are not: a scheduled alert whose
/// Hangfire job was lost (in-memory storage across a restart) or an accepted alert the bus never took.
/// Sending twice is harmless: planning is idempotent and deliveries are recorded per reader.
/// </summary>
public sealed class AlertSweepJob(AlertsDbContext db, IBus bus, TimeProvider time, ILogger<AlertSweepJob> logger)
{
    public const string JobId = "editor-alert-sweep";
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - Grace;
        var stuck = await db.Notifications.AsNoTracking()
            .Where(n => n.Kind == NotificationKind.Breaking && n.ArticleId == null && !n.Planned &&
                        ((n.Status == NotificationStatus.Scheduled && n.SendAt <= cutoff) ||
                         (n.Status == NotificationStatus.Queued && n.CreatedAt <= cutoff)))
            .OrderBy(n => n.CreatedAt).Select(n => n.Id).Take(100).ToListAsync(cancellationToken);
        if (stuck.Count == 0) return;
        var endpoint = await bus.GetSendEndpoint(AlertSender.SendQueue);
        foreach (var id in stuck) await endpoint.Send(new SendNotification(id), cancellationToken);
        logger.LogWarning("Handed on {Count} alerts that were due but not sending", stuck.Count);
    }
}

public static class EditorAlertJobs
{
    /// <summary>Registers the recurring sweep; every Scheduler replica may do so, Hangfire keeps one.</summary>
    public static void AddEditorAlertJobs(this IServiceProvider services) =>
        services.GetRequiredService<IRecurringJobManager>()
            .AddOrUpdate<AlertSweepJob>(AlertSweepJob.JobId, job => job.RunAsync(CancellationToken.None), Cron.Minutely());
}
