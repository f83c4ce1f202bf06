using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Alerts.Subscriptions;

/// <summary>One non-blank line of an NDJSON body: its 1-based number and its bytes (null when it was too long to read).</summary>
public sealed record ImportLine(int Number, byte[]? Json);

/// <summary>
/// Splits an NDJSON body into lines as it arrives, holding at most one line (and the pipe's own
/// buffer) in memory. Blank lines are skipped but counted, so numbers match the file; a trailing
/// '\r' is dropped. A line longer than the limit is not buffered: it is reported without its bytes
/// and skipped up to the next newline.
/// </summary>
public static class SubscriptionImportLines
{
    public static async IAsyncEnumerable<ImportLine> ReadAsync(
        PipeReader reader, int maxLineBytes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var number = 0;
        var skipping = false;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var lines = new List<ImportLine>();
            while (buffer.PositionOf((byte)'\n') is { } end)
            {
                number++;
                if (skipping) skipping = false;
                else if (Take(buffer.Slice(0, end), number, maxLineBytes) is { } line) lines.Add(line);
                buffer = buffer.Slice(buffer.GetPosition(1, end));
            }
            if (!read.IsCompleted && buffer.Length > maxLineBytes)
            {
                // No newline within the limit: report the line now and drop what follows until its end.
                if (!skipping) lines.Add(new ImportLine(number + 1, null));
                skipping = true;
                buffer = buffer.Slice(buffer.End);
            }
            if (read.IsCompleted && buffer.Length > 0)
            {
                number++;
                if (!skipping && Take(buffer, number, maxLineBytes) is { } last) lines.Add(last);
                buffer = buffer.Slice(buffer.End);
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
            foreach (var line in lines) yield return line;
            if (read.IsCompleted) yield break;
        }
    }

    private static ImportLine? Take(ReadOnlySequence<byte> line, int number, int maxLineBytes)
    {
        if (line.Length > maxLineBytes) return new ImportLine(number, null);
        var bytes = line.ToArray().AsSpan();
        var start = 0;
        var end = bytes.Length;
        while (start < end && IsBlank(bytes[start])) start++;
        while (end > start && IsBlank(bytes[end - 1])) end--;
        return start == end ? null : new ImportLine(number, bytes[start..end].ToArray());
    }

    private static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r';
}
