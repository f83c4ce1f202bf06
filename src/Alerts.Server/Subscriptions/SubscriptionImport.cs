using System.Diagnostics;
using System.IO.Pipelines;
using Alerts.Security;
using Alerts.Storage;

namespace Alerts.Subscriptions;

public sealed record ImportError(int Line, string Detail);

public sealed record ImportResult(int Imported, int Updated, int Rejected, IReadOnlyList<ImportError> Errors);

/// <summary>The body stopped before its end (cut off, or past the route's size limit); what came before it is stored.</summary>
public sealed class SubscriptionImportInterruptedException(ImportResult soFar, int lastLine, Exception cause)
    : Exception($"The import stopped after line {lastLine}: {cause.Message}", cause)
{
    public ImportResult SoFar { get; } = soFar;
    public int LastLine { get; } = lastLine;
}

/// <summary>
/// Imports an audience from NDJSON, one subscribe body (as POST /api/subscriptions takes it) per line;
/// shared by POST /api/admin/subscriptions/import and the import-subscriptions command. The body is read
/// as it arrives, in chunks of <see cref="ChunkSize"/> lines: each chunk's lines are checked in parallel
/// with the public route's validator, then written in a few statements (see <see cref="SubscriptionImportStore"/>),
/// so memory stays flat however long the body is. A line that is not JSON or not valid is counted
/// rejected with its number and why; the others go on. A known endpoint is updated, never doubled,
/// even with other keys: unlike the public route, an import is the operator moving their own audience.
/// </summary>
public sealed class SubscriptionImport(AlertsDbContext db, SubscriptionValidator validator, TimeProvider time, ILogger<SubscriptionImport> logger)
{
    public const int ChunkSize = 2000;
    public const int MaxErrorsListed = 100;
    /// <summary>A line may be as long as a whole body on the public route.</summary>
    public const int MaxLineBytes = (int)RequestBodyLimits.Public;

    public async Task<ImportResult> ImportAsync(PipeReader body, CancellationToken cancellationToken)
    {
        var tally = new Tally();
        var store = SubscriptionImportStore.For(db);
        var chunk = new List<ImportLine>(ChunkSize);
        // The store writes one chunk while the next one is read and checked.
        Task writing = Task.CompletedTask;
        await using var lines = SubscriptionImportLines.ReadAsync(body, MaxLineBytes, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            bool more;
            try
            {
                more = await lines.MoveNextAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await writing;
                await WriteAsync(store, Check(chunk, tally), tally, cancellationToken);
                throw new SubscriptionImportInterruptedException(tally.Result(), tally.LastLine, e);
            }
            if (!more) break;
            chunk.Add(lines.Current);
            if (chunk.Count < ChunkSize) continue;
            var next = Check(chunk, tally);
            chunk.Clear();
            await writing;
            // On a thread of its own: SQLite's ADO.NET calls complete synchronously, and would not overlap otherwise.
            writing = Task.Run(() => WriteAsync(store, next, tally, cancellationToken), cancellationToken);
        }
        var last = Check(chunk, tally);
        await writing;
        await WriteAsync(store, last, tally, cancellationToken);

        var result = tally.Result();
        logger.LogInformation("Imported subscriptions through line {Line} in {Elapsed} ms ({Checking} ms checking lines, {Writing} ms writing): {Imported} new, {Updated} updated, {Rejected} rejected",
            tally.LastLine, tally.Total.ElapsedMilliseconds, (long)tally.Checking.TotalMilliseconds, (long)tally.Writing.TotalMilliseconds, result.Imported, result.Updated, result.Rejected);
        return result;
    }

    /// <summary>Checks a chunk's lines (in parallel: they are independent) and counts the rejected ones.</summary>
    private CheckedChunk Check(List<ImportLine> chunk, Tally tally)
    {
        if (chunk.Count == 0) return new CheckedChunk([], 0, tally.LastLine, default);
        var started = Stopwatch.GetTimestamp();
        var now = time.GetUtcNow().UtcDateTime;
        var parsed = new (SubscriptionImportRow? Row, string? Detail)[chunk.Count];
        Parallel.For(0, chunk.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => parsed[i] = SubscriptionImportRow.Parse(chunk[i], validator, now, MaxLineBytes));

        // One row per endpoint: a later line for the same endpoint wins, and an earlier one counts as
        // updated by it, as if the lines had been sent one by one.
        var rows = new Dictionary<string, SubscriptionImportRow>(chunk.Count, StringComparer.Ordinal);
        var repeats = 0;
        for (var i = 0; i < parsed.Length; i++)
        {
            if (parsed[i].Row is not { } row)
            {
                tally.Reject(chunk[i].Number, parsed[i].Detail!);
                continue;
            }
            if (rows.Remove(row.EndpointHash)) repeats++;
            rows[row.EndpointHash] = row;
        }
        tally.Checking += Stopwatch.GetElapsedTime(started);
        return new CheckedChunk(rows.Values.ToList(), repeats, chunk[^1].Number, now);
    }

    private static async Task WriteAsync(SubscriptionImportStore store, CheckedChunk chunk, Tally tally, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var inserted = await store.WriteAsync(chunk.Rows, chunk.Now, cancellationToken);
        tally.Writing += Stopwatch.GetElapsedTime(started);
        tally.Add(inserted, chunk.Rows.Count - inserted + chunk.Repeats, chunk.LastLine);
    }

    private sealed record CheckedChunk(List<SubscriptionImportRow> Rows, int Repeats, int LastLine, DateTime Now);

    /// <summary>The counts; the store's write of one chunk reports here while the next chunk is checked.</summary>
    private sealed class Tally
    {
        private readonly Lock _lock = new();
        private readonly List<ImportError> _errors = [];
        private int _imported, _updated, _rejected, _lastLine;

        public Stopwatch Total { get; } = Stopwatch.StartNew();
        public TimeSpan Checking { get; set; }
        public TimeSpan Writing { get; set; }

        /// <summary>The last line whose chunk is stored.</summary>
        public int LastLine
        {
            get { lock (_lock) return _lastLine; }
        }

        public void Reject(int line, string detail)
        {
            lock (_lock)
            {
                _rejected++;
                if (_errors.Count < MaxErrorsListed) _errors.Add(new ImportError(line, detail));
            }
        }

        public void Add(int imported, int updated, int lastLine)
        {
            lock (_lock)
            {
                _imported += imported;
                _updated += updated;
                _lastLine = Math.Max(_lastLine, lastLine);
            }
        }

        public ImportResult Result()
        {
            lock (_lock) return new(_imported, _updated, _rejected, _errors.ToList());
        }
    }
}
