using System.Security.Cryptography;
using System.Text;

namespace Alerts.Notifications;

/// <summary>
/// Web Push topics (at most 32 base64url characters): a later push with the same topic replaces an
/// undelivered earlier one, so a corrected alert supersedes the first.
/// </summary>
public static class NotificationTopics
{
    public static string For(string key) =>
        System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 24));
}
