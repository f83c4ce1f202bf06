using System.IO.Pipelines;
using System.Text;
using Alerts.Subscriptions;

namespace Alerts.UnitTests.Subscriptions;

public sealed class SubscriptionImportLinesTests
{
    private static async Task<List<(int Number, string? Text)>> ReadAsync(string body, int maxLineBytes = 64, int segmentBytes = 4096)
    {
        // A small buffer splits lines across reads, as a slow network would.
        var reader = PipeReader.Create(new MemoryStream(Encoding.UTF8.GetBytes(body)), new StreamPipeReaderOptions(bufferSize: segmentBytes, minimumReadSize: 1));
        var lines = new List<(int, string?)>();
        await foreach (var line in SubscriptionImportLines.ReadAsync(reader, maxLineBytes, CancellationToken.None))
            lines.Add((line.Number, line.Json is null ? null : Encoding.UTF8.GetString(line.Json)));
        return lines;
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(3)]
    public async Task Lines_keep_their_numbers_when_blank_lines_are_skipped(int segmentBytes)
    {
        var lines = await ReadAsync("{\"a\":1}\n\n  \r\n{\"b\":2}\r\n\t{\"c\":3} \n", segmentBytes: segmentBytes);

        Assert.Equal([(1, "{\"a\":1}"), (4, "{\"b\":2}"), (5, "{\"c\":3}")], lines);
    }

    [Fact]
    public async Task The_last_line_needs_no_newline()
    {
        Assert.Equal([(1, "x"), (2, "y")], await ReadAsync("x\ny"));
        Assert.Empty(await ReadAsync(""));
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(5)]
    public async Task A_line_over_the_limit_is_reported_without_its_bytes_and_the_next_one_is_read(int segmentBytes)
    {
        var lines = await ReadAsync($"ok\n{new string('x', 200)}\nnext\n{new string('y', 100)}", maxLineBytes: 64, segmentBytes: segmentBytes);

        Assert.Equal([(1, "ok"), (2, null), (3, "next"), (4, null)], lines);
    }
}
