using System.Text.Json;

namespace Alerts.Testing;

/// <summary>A push that passed <see cref="FakePushService"/>'s checks and was decrypted.</summary>
/// <param name="Payload">The plaintext parsed as JSON; <see cref="JsonValueKind.Undefined"/> when it is not JSON.</param>
/// <param name="AnsweredStatus">The status the fake answered (201 unless scripted otherwise).</param>
public sealed record ReceivedPush(
    Guid SubscriberId,
    string Plaintext,
    JsonElement Payload,
    int Ttl,
    string? Urgency,
    string? Topic,
    int AnsweredStatus,
    DateTimeOffset ReceivedAt)
{
    public bool WasDelivered => AnsweredStatus is >= 200 and < 300;

    /// <summary>The notification id the payload carries (<c>id</c>), or null when it carries none.</summary>
    public string? NotificationId =>
        Payload.ValueKind == JsonValueKind.Object && Payload.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
}
