using System.Globalization;

namespace Alerts.Benchmarks.EndToEnd;

/// <summary>
/// Every process, database and virtual host the run creates, one line each in a file that
/// benchmarks/run.sh reads when the run ends however it ended (a crash, a timeout, Ctrl-C): it kills
/// and drops what is still there. The run itself removes them as it goes; this is the safety net.
/// </summary>
internal sealed class Leftovers(string? path)
{
    private readonly Lock _lock = new();

    public void Add(string kind, string name)
    {
        if (path is null) return;
        lock (_lock) File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture, $"{kind} {name}\n"));
    }
}
