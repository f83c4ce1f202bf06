namespace Alerts.WebPush;

/// <summary>Per-message headers of a push request (RFC 8030 section 5).</summary>
/// <param name="TtlSeconds">How long the push service may hold the message; 0 or more.</param>
/// <param name="Urgency">Sent as the <c>Urgency</c> header.</param>
/// <param name="Topic">Replaces an undelivered message with the same topic: at most 32 base64url characters.</param>
public sealed record PushRequestOptions(int TtlSeconds, PushUrgency Urgency, string? Topic = null)
{
    /// <summary>RFC 8030 section 5.4 limit.</summary>
    internal const int MaxTopicLength = 32;

    private readonly int _ttlSeconds = ValidateTtl(TtlSeconds);
    private readonly PushUrgency _urgency = ValidateUrgency(Urgency);
    private readonly string? _topic = ValidateTopic(Topic);

    // Validated in the init accessors too, so `with` cannot produce an invalid request.
    public int TtlSeconds { get => _ttlSeconds; init => _ttlSeconds = ValidateTtl(value); }

    public PushUrgency Urgency { get => _urgency; init => _urgency = ValidateUrgency(value); }

    public string? Topic { get => _topic; init => _topic = ValidateTopic(value); }

    /// <summary>The header value: <c>very-low</c>, <c>low</c>, <c>normal</c> or <c>high</c>.</summary>
    internal string UrgencyHeaderValue => _urgency switch
    {
        PushUrgency.VeryLow => "very-low",
        PushUrgency.Low => "low",
        PushUrgency.Normal => "normal",
        _ => "high",
    };

    private static int ValidateTtl(int ttlSeconds) => ttlSeconds >= 0
        ? ttlSeconds
        : throw new ArgumentException($"TTL must be 0 or more seconds; got {ttlSeconds}.", nameof(TtlSeconds));

    private static PushUrgency ValidateUrgency(PushUrgency urgency) => Enum.IsDefined(urgency)
        ? urgency
        : throw new ArgumentException($"Unknown urgency {(int)urgency}.", nameof(Urgency));

    private static string? ValidateTopic(string? topic)
    {
        if (topic is null)
        {
            return null;
        }

        if (topic.Length is 0 or > MaxTopicLength)
        {
            throw new ArgumentException(
                $"A topic must be 1 to {MaxTopicLength} base64url characters; got {topic.Length}.", nameof(Topic));
        }

        foreach (char c in topic)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
            {
                throw new ArgumentException(
                    $"A topic may use only the base64url alphabet (A-Z, a-z, 0-9, '-', '_'); '{topic}' does not.", nameof(Topic));
            }
        }

        return topic;
    }
}
