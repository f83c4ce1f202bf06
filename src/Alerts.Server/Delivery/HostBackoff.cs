using System.Collections.Concurrent;

namespace Alerts.Delivery;

/// <summary>
/// Per push-service host back-off: after a 429 or 5xx (with or without Retry-After) every push to that
/// host waits, instead of each push hammering a service that asked us to slow down.
/// </summary>
public sealed class HostBackoff(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _notBefore = new(StringComparer.OrdinalIgnoreCase);

    public TimeSpan WaitFor(string host)
    {
        if (!_notBefore.TryGetValue(host, out var until)) return TimeSpan.Zero;
        var wait = until - time.GetUtcNow();
        if (wait > TimeSpan.Zero) return wait;
        _notBefore.TryRemove(KeyValuePair.Create(host, until));
        return TimeSpan.Zero;
    }

    public void BackOff(string host, TimeSpan delay)
    {
        var until = time.GetUtcNow() + delay;
        _notBefore.AddOrUpdate(host, until, (_, current) => current > until ? current : until);
    }
}
