using System.Globalization;

namespace Alerts.Benchmarks;

/// <summary>The command line of benchmarks/run.sh, parsed.</summary>
internal sealed record BenchmarkOptions
{
    public const int DefaultSubscribers = 100_000;

    /// <summary>Readers of the main end-to-end run (one worker, two workers, the Lib.Net.Http.WebPush baseline).</summary>
    public int Subscribers { get; init; } = DefaultSubscribers;
    /// <summary>Audiences of the capacity table; the main run's size is always one of them.</summary>
    public IReadOnlyList<int> Capacity { get; init; } = [];
    /// <summary>Digest readers due in the same minute, one morning peak each.</summary>
    public IReadOnlyList<int> Digests { get; init; } = [];
    /// <summary>Real P-256 subscriber key pairs, reused across distinct endpoints.</summary>
    public int KeyPool { get; init; } = 1_000;
    /// <summary>Seconds of each per-core measurement.</summary>
    public int Seconds { get; init; } = 3;
    public bool PerCore { get; init; } = true;
    public bool EndToEnd { get; init; } = true;
    public bool Baseline { get; init; } = true;
    public required string RepositoryRoot { get; init; }

    public const string Usage = """
        usage: bash benchmarks/run.sh [--subscribers N] [--capacity N,N,...] [--digests N,N,...]
                                      [--key-pool N] [--seconds S] [--only per-core|end-to-end] [--no-baseline]
          --subscribers  readers of the main end-to-end run (default 100000; e.g. 1000000)
          --capacity     audiences of the capacity table (default 10000,100000 below --subscribers; --subscribers is always one; none: only it)
          --digests      digest readers due in the same minute (default 20000,100000 up to --subscribers; none: skip)
        """;

    public static BenchmarkOptions Parse(string[] args, string repositoryRoot)
    {
        int subscribers = DefaultSubscribers, keyPool = 1_000, seconds = 3;
        int[]? capacity = null, digests = null;
        bool perCore = true, endToEnd = true, baseline = true;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            switch (args[i])
            {
                case "--subscribers": subscribers = Count(Next()); break;
                case "--capacity": capacity = Next() is "none" ? [] : args[i].Split(',').Select(Count).ToArray(); break;
                case "--digests": digests = Next() is "none" ? [] : args[i].Split(',').Select(Count).ToArray(); break;
                case "--key-pool": keyPool = Count(Next()); break;
                case "--seconds": seconds = Count(Next()); break;
                case "--no-baseline": baseline = false; break;
                case "--only":
                    var only = Next();
                    perCore = only == "per-core";
                    endToEnd = only == "end-to-end";
                    if (!perCore && !endToEnd) throw new ArgumentException($"--only takes per-core or end-to-end, not '{only}'.\n{Usage}");
                    break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.\n{Usage}");
            }
        }
        capacity ??= [.. new[] { 10_000, 100_000 }.Where(n => n < subscribers)];
        digests ??= new[] { 20_000, 100_000 }.Where(n => n <= subscribers).ToArray() is { Length: > 0 } fitting ? fitting : [subscribers];
        return new BenchmarkOptions
        {
            Subscribers = subscribers,
            Capacity = [.. capacity.Append(subscribers).Distinct().Order()],
            Digests = [.. digests.Distinct().Order()],
            KeyPool = keyPool,
            Seconds = seconds,
            PerCore = perCore,
            EndToEnd = endToEnd,
            Baseline = baseline,
            RepositoryRoot = repositoryRoot,
        };
    }

    private static int Count(string text) =>
        int.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"'{text}' is not a positive whole number.\n{Usage}");
}
