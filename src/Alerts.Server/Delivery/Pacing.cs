namespace Alerts.Delivery;

/// <summary>
/// Spreads a throttled notification's pushes evenly: the planner cuts the audience into batches of about
/// one second's share, each due when the readers before it have had their time. Workers send each batch
/// as it comes due, so the rate holds however many workers there are.
/// </summary>
public static class Pacing
{
    /// <summary>The highest rate that can be asked for: beyond it, throttling would change nothing.</summary>
    public const int MaxPerMinute = 10_000_000;

    /// <summary>Readers per batch: a second's share at the rate (at least one), never more than the usual batch.</summary>
    public static int BatchSize(int? perMinute, int batchSize) =>
        perMinute is { } rate ? (int)Math.Clamp(Math.Ceiling(rate / 60.0), 1, batchSize) : batchSize;

    /// <summary>When the batch after <paramref name="readersBefore"/> readers is due: at once unless throttled.</summary>
    public static DateTime BatchDueAt(DateTime start, int readersBefore, int? perMinute, DateTime now)
    {
        if (perMinute is not { } rate) return now;
        var due = start.AddMinutes(readersBefore / (double)rate);
        return due > now ? due : now;
    }

    /// <summary>When the last of <paramref name="readers"/> readers' pushes is due, for a throttled notification.</summary>
    public static DateTime? FinishAt(DateTime start, int readers, int? perMinute) =>
        perMinute is { } rate ? start.AddMinutes(Math.Max(0, readers - 1) / (double)rate) : null;
}
