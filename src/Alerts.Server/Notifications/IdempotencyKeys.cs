using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Alerts.Notifications;

/// <summary>
/// An Idempotency-Key stands for one request: the alert stored under it remembers a hash of the
/// request's content, so the same key with other content is refused (422) rather than quietly
/// answered with the first alert.
/// </summary>
public static class IdempotencyKeys
{
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>
    /// SHA-256 of the request as read (field order, spacing and letter case of the property names do
    /// not matter; every value does).
    /// </summary>
    public static string BodyHash(EditorAlertRequest request) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request)));
}
