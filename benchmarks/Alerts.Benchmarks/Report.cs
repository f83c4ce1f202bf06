using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Alerts.Benchmarks;

/// <summary>
/// Markdown tables on standard output, each printed as soon as it is measured (a run stopped half-way
/// keeps what it had), and progress lines on standard error.
/// </summary>
internal sealed class Report
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly StringBuilder _markdown = new();

    public string Markdown => _markdown.ToString();

    public void Progress(string line) => Console.Error.WriteLine($"[{_clock.Elapsed:hh\\:mm\\:ss}] {line}");

    public void Heading(string text) => Write($"\n## {text}\n");

    public void Text(string text) => Write(text);

    public void Table(string title, string[] headers, IEnumerable<string[]> rows, string? note = null)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"\n### {title}\n\n");
        text.Append("| ").AppendJoin(" | ", headers).Append(" |\n");
        text.Append('|').AppendJoin('|', headers.Select(_ => "---")).Append("|\n");
        foreach (var row in rows) text.Append("| ").AppendJoin(" | ", row).Append(" |\n");
        if (note is not null) text.Append('\n').Append(note).Append('\n');
        Write(text.ToString());
    }

    private void Write(string text)
    {
        _markdown.Append(text).Append('\n');
        Console.Out.WriteLine(text);
        Console.Out.Flush();
    }

    public static string Number(double value) =>
        value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Ratio(double value) => double.IsFinite(value) ? value.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "n/a";

    public static string Percent(double value) => (value * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    public static string Seconds(double seconds) => seconds.ToString(seconds < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " s";

    public static string Milliseconds(double ms) => ms.ToString(ms < 100 ? "0.0" : "0", CultureInfo.InvariantCulture) + " ms";

    public static string Megabytes(long kilobytes) => (kilobytes / 1024.0).ToString("0", CultureInfo.InvariantCulture) + " MB";
}
