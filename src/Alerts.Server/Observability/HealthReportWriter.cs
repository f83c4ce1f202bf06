using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Alerts.Observability;

/// <summary>
/// /health/ready's body: each check (store, bus, and Hangfire in the Scheduler role) with its own status,
/// so an operator sees which dependency holds a pod back. Descriptions only: no exception text, which
/// could carry a connection string. The status code stays the framework's (200 healthy, 503 unhealthy).
/// </summary>
public static class HealthReportWriter
{
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new
                {
                    status = entry.Value.Status.ToString(),
                    description = entry.Value.Description,
                    durationMs = Math.Round(entry.Value.Duration.TotalMilliseconds, 1),
                }),
        };
        return JsonSerializer.SerializeAsync(http.Response.Body, body, cancellationToken: http.RequestAborted);
    }
}
