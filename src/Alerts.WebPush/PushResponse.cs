namespace Alerts.WebPush;

/// <summary>What the push service answered.</summary>
/// <param name="StatusCode">The HTTP status code.</param>
/// <param name="RetryAfter">From <c>Retry-After</c>, relative to when the answer arrived; never negative.</param>
/// <param name="Reason">For a non-success answer, the start of its body (or the reason phrase).</param>
public sealed record PushResponse(int StatusCode, TimeSpan? RetryAfter, string? Reason)
{
    /// <summary>The push service accepted the message (RFC 8030 answers 201).</summary>
    public bool IsSuccess => StatusCode is 200 or 201 or 202;

    /// <summary>The subscription no longer exists and should be deleted.</summary>
    public bool IsGone => StatusCode is 404 or 410;

    /// <summary>
    /// Worth trying again later: rate limited (429, and 406, which Edge's push service answers when it
    /// throttles) or a server-side failure. Not the subscriber's fault.
    /// </summary>
    public bool IsRetryable => StatusCode is 429 or 406 or >= 500;
}
