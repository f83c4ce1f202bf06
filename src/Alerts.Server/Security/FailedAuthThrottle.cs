using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Alerts.Security;

/// <summary>
/// Slows guessing: after Alerts:RateLimits:FailedAuthPerMinute 401 answers to one client in a minute,
/// its requests that present a key or need one answer 429 with Retry-After until the minute is over.
/// Readers' public calls without credentials are not affected.
/// </summary>
public sealed class FailedAuthThrottle(IOptions<RateLimitOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int MaxTrackedClients = 100_000;
    private readonly ConcurrentDictionary<string, Failures> _byClient = new();

    private sealed class Failures(DateTimeOffset windowStart)
    {
        public DateTimeOffset WindowStart = windowStart;
        public int Count;
    }

    /// <summary>How long the client must wait, or null when it may go on.</summary>
    public TimeSpan? RetryAfter(string client)
    {
        if (!_byClient.TryGetValue(client, out var failures)) return null;
        lock (failures)
        {
            var left = failures.WindowStart + Window - time.GetUtcNow();
            if (left <= TimeSpan.Zero) return null;
            return failures.Count >= options.Value.FailedAuthPerMinute ? left : null;
        }
    }

    public void RecordFailure(string client)
    {
        var now = time.GetUtcNow();
        if (_byClient.Count >= MaxTrackedClients) Forget(now);
        var failures = _byClient.GetOrAdd(client, _ => new Failures(now));
        lock (failures)
        {
            if (now - failures.WindowStart >= Window)
            {
                failures.WindowStart = now;
                failures.Count = 0;
            }
            failures.Count++;
        }
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (var (client, failures) in _byClient)
            if (now - failures.WindowStart >= Window) _byClient.TryRemove(client, out _);
    }
}

public static class FailedAuthThrottleExtensions
{
    /// <summary>After routing (to know whether the route needs a key), before authentication.</summary>
    public static IApplicationBuilder UseFailedAuthThrottle(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var throttle = http.RequestServices.GetRequiredService<FailedAuthThrottle>();
        var client = ClientAddress.PartitionKey(http);
        var presentsOrNeedsKey = http.Request.Headers.Authorization.Count > 0 || http.GetEndpoint()?.Metadata.GetMetadata<IAuthorizeData>() is not null;
        if (presentsOrNeedsKey && throttle.RetryAfter(client) is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Results.Problem("Too many failed authentication attempts from this address; try again later.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests").ExecuteAsync(http);
            return;
        }
        await next(http);
        if (http.Response.StatusCode == StatusCodes.Status401Unauthorized) throttle.RecordFailure(client);
    });
}
