using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Alerts.Observability;

/// <summary>
/// In the Scheduler role: Hangfire's storage answers and this process's Hangfire server has announced
/// itself with a recent heartbeat (so it takes recurring and scheduled jobs).
/// </summary>
internal sealed class HangfireHealthCheck(JobStorage storage, TimeProvider time) : IHealthCheck
{
    public const string Name = "hangfire";
    private static readonly TimeSpan MaxHeartbeatAge = TimeSpan.FromMinutes(2);

    public static string ServerNamePrefix => $"alerts-{Environment.MachineName}-{Environment.ProcessId}";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var servers = storage.GetMonitoringApi().Servers();
            var now = time.GetUtcNow().UtcDateTime;
            var ours = servers.Where(s => s.Name.StartsWith(ServerNamePrefix, StringComparison.Ordinal)).ToList();
            if (ours.Count == 0)
                return Task.FromResult(HealthCheckResult.Unhealthy("This process's Hangfire server has not started."));
            // Hangfire's heartbeats are wall-clock times; compare loosely so a test clock cannot make this flap.
            if (ours.All(s => s.Heartbeat is { } beat && (DateTime.UtcNow - beat > MaxHeartbeatAge && now - beat > MaxHeartbeatAge)))
                return Task.FromResult(HealthCheckResult.Unhealthy("This process's Hangfire server stopped sending heartbeats."));
            return Task.FromResult(HealthCheckResult.Healthy($"{servers.Count} Hangfire server(s) in the cluster."));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Hangfire's storage cannot be reached."));
        }
    }
}
