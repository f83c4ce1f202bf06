namespace Alerts.FaultTests.Infrastructure;

/// <summary>
/// Checks a delivery report against what the scenario promises, listing every broken promise at once
/// (with the counts) rather than stopping at the first.
/// </summary>
public sealed class Expect(DeliveryReport report)
{
    private readonly List<string> _broken = [];

    public Expect NobodyMissing()
    {
        if (report.Missing > 0) _broken.Add($"{report.Missing} of {report.Readers} readers never received it");
        return this;
    }

    public Expect NoDuplicates()
    {
        if (report.Duplicated > 0) _broken.Add($"{report.Duplicated} duplicated pushes (one reader got it {report.MostToOneReader} times)");
        return this;
    }

    public Expect DuplicatesAtMost(int extra, string why)
    {
        if (report.Duplicated > extra) _broken.Add($"{report.Duplicated} duplicated pushes, more than {extra} ({why})");
        return this;
    }

    /// <summary>Every notification ends done, and sent + failed + gone + expired + pending = targeted.</summary>
    public Expect EndsDoneAndCountsAddUp()
    {
        foreach (var counters in report.Counters)
        {
            if (counters.Status != "done") _broken.Add($"notification {counters.Id} is '{counters.Status}', not 'done'");
            if (counters.Targeted >= 0 && !counters.AddsUp)
                _broken.Add($"notification {counters.Id}: sent + failed + gone + expired + pending = {counters.Accounted}, but targeted = {counters.Targeted}");
        }
        return this;
    }

    /// <summary>The service counts each reader who got the alert once as sent.</summary>
    public Expect SentCountsEveryReaderOnce()
    {
        if (report.Counters.Count == 1 && report.Counters[0].Sent != report.Received)
            _broken.Add($"the service counts sent = {report.Counters[0].Sent}, but {report.Received} readers received it");
        return this;
    }

    public Expect That(bool condition, string broken)
    {
        if (!condition) _broken.Add(broken);
        return this;
    }

    public void Check()
    {
        if (_broken.Count > 0)
            Assert.Fail("Broken: " + string.Join("; ", _broken) + ".\n" + report);
    }
}
