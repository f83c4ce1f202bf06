using Alerts.Delivery;
using Alerts.Digests.Planning;
using Alerts.Storage;
using Hangfire;
using Microsoft.Extensions.Options;

namespace Alerts.Digests;

/// <summary>What one run did, reader by reader.</summary>
/// <param name="Failed">Readers of pages that could not be recorded; retried by later runs.</param>
public sealed record DigestRunSummary(int Sent, int Empty, int Skipped, int TakenByAnotherRun, int Failed)
{
    public static readonly DigestRunSummary None = new(0, 0, 0, 0, 0);

    public DigestRunSummary Add(DigestRunSummary other) => new(
        Sent + other.Sent, Empty + other.Empty, Skipped + other.Skipped, TakenByAnotherRun + other.TakenByAnotherRun, Failed + other.Failed);
}

/// <summary>
/// The recurring digest job: walks the digest readers whose period has begun a page at a time and plans
/// each page in one transaction (<see cref="DigestPlanner"/>): one digest row per reader with new stories
/// and one notification for the page, which the planner and workers deliver in batches like an article,
/// each reader's push built from their own digest row. Safe to run in any number of Scheduler processes
/// at once and to re-run after a crash: the store decides who sends each period.
/// </summary>
public sealed class DigestRunner(
    IServiceScopeFactory scopes, IOptions<DigestOptions> options, TimeProvider time, ILogger<DigestRunner> logger)
{
    public const string JobId = "digests";

    private static readonly Prometheus.Counter Runs = Prometheus.Metrics.CreateCounter(
        "alerts_digest_runs_total", "Runs of the digest job; failed: the run, or a reader in it, failed (a later run retries).", "result");
    private static readonly Prometheus.Counter Readers = Prometheus.Metrics.CreateCounter(
        "alerts_digest_readers_total", "Readers the digest job served: sent a digest, nothing new (empty), skipped (period too old), failed.", "result");

    /// <summary>The Hangfire entry point; a failed run is not retried, the next minute's run is the retry.</summary>
    [AutomaticRetry(Attempts = 0, LogEvents = false)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var summary = await RunDueAsync(cancellationToken);
            Runs.WithLabels(summary.Failed > 0 ? "failed" : "ok").Inc();
            Readers.WithLabels("sent").Inc(summary.Sent);
            Readers.WithLabels("empty").Inc(summary.Empty);
            Readers.WithLabels("skipped").Inc(summary.Skipped);
            Readers.WithLabels("failed").Inc(summary.Failed);
        }
        catch
        {
            Runs.WithLabels("failed").Inc();
            throw;
        }
    }

    public async Task<DigestRunSummary> RunDueAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var summary = DigestRunSummary.None;
        Guid? after = null;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var planner = scope.ServiceProvider.GetRequiredService<DigestPlanner>();
            var page = await DigestPages.For(scope.ServiceProvider.GetRequiredService<AlertsDbContext>())
                .DueAsync(now, after, options.Value.PageSize, cancellationToken);
            if (page.Count == 0) break;
            after = page[^1].Id;
            try
            {
                summary = summary.Add(await planner.PlanPageAsync(page, now, cancellationToken));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // One page's failure does not hold up the others; its readers stay due, and a later run retries them.
                logger.LogError(e, "The digests of {Count} readers ({First} to {Last}) failed; a later run retries them", page.Count, page[0].Id, page[^1].Id);
                summary = summary.Add(DigestRunSummary.None with { Failed = page.Count });
            }
            if (page.Count < options.Value.PageSize) break;
        }
        if (summary != DigestRunSummary.None)
            logger.Log(summary.Failed > 0 ? LogLevel.Warning : LogLevel.Information,
                "Digest run at {Now:O}: {Sent} sent, {Empty} with nothing new, {Skipped} skipped, {Lost} taken by another run, {Failed} failed",
                now, summary.Sent, summary.Empty, summary.Skipped, summary.TakenByAnotherRun, summary.Failed);
        return summary;
    }
}
