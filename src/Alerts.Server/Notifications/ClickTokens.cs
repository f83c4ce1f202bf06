using System.Buffers.Text;
using System.Security.Cryptography;
using Alerts.Delivery;

namespace Alerts.Notifications;

/// <summary>
/// Each push carries its own click token: the subscription id and an HMAC over it and the notification
/// id. The service worker sends it back with a click, so a click counts once per reader and push, and a
/// made-up or borrowed token counts nothing. The key is derived from the VAPID key, the same on every replica.
/// </summary>
public sealed class ClickTokens(VapidKeyring keys)
{
    /// <summary>Every token has this length: 32 hex digits, a dot, 22 base64url characters.</summary>
    public const int Length = 55;

    public static readonly string Placeholder = new('x', Length);

    private byte[]? _key;

    private byte[] Key => _key ??= keys.DeriveKey("alerts click tokens");

    public string For(Guid notificationId, Guid subscriptionId) => $"{subscriptionId:N}.{Mac(notificationId, subscriptionId)}";

    /// <summary>The subscription a token was issued to for this notification, or null when the token is not one of ours.</summary>
    public Guid? Read(Guid notificationId, string? token)
    {
        if (token is not { Length: Length } || token[32] != '.' || !Guid.TryParseExact(token[..32], "N", out var subscriptionId)) return null;
        var expected = Mac(notificationId, subscriptionId);
        return CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(expected), System.Text.Encoding.ASCII.GetBytes(token[33..])) ? subscriptionId : null;
    }

    private string Mac(Guid notificationId, Guid subscriptionId)
    {
        Span<byte> message = stackalloc byte[32];
        notificationId.TryWriteBytes(message[..16]);
        subscriptionId.TryWriteBytes(message[16..]);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(Key, message, mac);
        return Base64Url.EncodeToString(mac[..16]);
    }
}
