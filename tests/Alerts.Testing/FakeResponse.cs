namespace Alerts.Testing;

/// <summary>A scripted answer of <see cref="FakePushService"/> to one request.</summary>
public sealed record FakeResponse(int StatusCode, int? RetryAfterSeconds = null)
{
    /// <summary>410: the subscription has expired or was unsubscribed.</summary>
    public static FakeResponse Gone() => new(410);

    /// <summary>404: the push service does not know the subscription.</summary>
    public static FakeResponse NotFound() => new(404);

    /// <summary>429 with <c>Retry-After: seconds</c>.</summary>
    public static FakeResponse TooManyRequests(int retryAfterSeconds) => new(429, retryAfterSeconds);

    /// <summary>503: the push service is failing.</summary>
    public static FakeResponse ServerError() => new(503);

    public static FakeResponse Status(int statusCode) => new(statusCode);
}
