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
public sealed class SubscriptionImport(AlertsDbContext db, SubscriptionValidator validator, TimeProvider time)
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
                await WriteChunkAsync(store, chunk, tally, cancellationToken);
                throw new SubscriptionImportInterruptedException(tally.Result(), tally.LastLine, e);
            }
            if (!more) break;
            chunk.Add(lines.Current);
            if (chunk.Count < ChunkSize) continue;
            await WriteChunkAsync(store, chunk, tally, cancellationToken);
            chunk.Clear();
        }
        await WriteChunkAsync(store, chunk, tally, cancellationToken);
        return tally.Result();
    }

    private async Task WriteChunkAsync(SubscriptionImportStore store, List<ImportLine> chunk, Tally tally, CancellationToken cancellationToken)
    {
        if (chunk.Count == 0) return;
        var now = time.GetUtcNow().UtcDateTime;
        var parsed = new (SubscriptionImportRow? Row, string? Detail)[chunk.Count];
        // Checking a line is CPU work (JSON, the P-256 point, hashes) and the lines are independent.
        Parallel.For(0, chunk.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
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
        var inserted = await store.WriteAsync(rows.Values.ToList(), now, cancellationToken);
        tally.Add(inserted, rows.Count - inserted + repeats, chunk[^1].Number);
    }

    private sealed class Tally
    {
        private readonly List<ImportError> _errors = [];
        private int _imported, _updated, _rejected;

        public int LastLine { get; private set; }

        public void Reject(int line, string detail)
        {
            _rejected++;
            if (_errors.Count < MaxErrorsListed) _errors.Add(new ImportError(line, detail));
        }

        public void Add(int imported, int updated, int lastLine)
        {
            _imported += imported;
            _updated += updated;
            LastLine = lastLine;
        }

        public ImportResult Result() => new(_imported, _updated, _rejected, _errors.ToList());
    }
}
