using System.Security.Cryptography;
using System.Text;

namespace Alerts.Subscriptions;

/// <summary>Management tokens: random, shown once, stored only as a SHA-256 hash and compared in constant time.</summary>
public static class SubscriptionTokens
{
    public static string NewToken() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    public static bool Matches(string? token, string storedHash) =>
        token is not null &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(token)), Encoding.ASCII.GetBytes(storedHash));

    /// <summary>The current token, or the one before the last refresh (see <see cref="Subscription.PreviousTokenHash"/>).</summary>
    public static bool Opens(string? token, Subscription subscription) =>
        Matches(token, subscription.TokenHash) |
        (subscription.PreviousTokenHash is { } previous && Matches(token, previous));

}
