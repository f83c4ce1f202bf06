namespace Alerts.WebPush;

/// <summary>RFC 8030 section 5.3 <c>Urgency</c> header values.</summary>
public enum PushUrgency
{
    /// <summary><c>very-low</c></summary>
    VeryLow,

    /// <summary><c>low</c></summary>
    Low,

    /// <summary><c>normal</c></summary>
    Normal,

    /// <summary><c>high</c></summary>
    High,
}
