using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Alerts.WebPush;

namespace Alerts.Delivery;

/// <summary>
/// The JSON a browser's service worker receives (DESIGN.md §6). <see cref="ClickToken"/> is this push's
/// own token, which the worker sends back with a click so that a click counts once per reader; it stays
/// the last property (<see cref="PushPayloadTemplate"/> finds its placeholder as the last occurrence).
/// </summary>
/// <param name="CorrectsId">For a correction: the alert it corrects (its <see cref="Tag"/> is that alert's, so it replaces it on screen).</param>
/// <param name="Renotify">For a correction: true alerts the reader again (they clicked the original), false replaces it quietly.</param>
/// <param name="Actions">The notification's buttons, where the browser shows them (see <see cref="PushActions"/>).</param>
public sealed record PushPayload(
    string Id, string Kind, string Title, string Body, string Url, string? Icon, string? Image, string Tag, long Timestamp,
    string? CorrectsId = null, bool? Renotify = null, IReadOnlyList<PushAction>? Actions = null,
    string? ClickToken = null);

/// <summary>
/// A button on the notification. "read" opens the story; "mute" asks the service worker to mute
/// <see cref="Section"/> for <see cref="Hours"/> (POST /api/subscriptions/{id}/mutes).
/// </summary>
public sealed record PushAction(string Action, string Title, string? Section = null, int? Hours = null);

/// <summary>
/// Serialises a payload to UTF-8 and keeps it within one aes128gcm record: the body is shortened first,
/// then the title, always at whole text elements so multi-byte text is never cut mid-character.
/// </summary>
public static class PushPayloadBuilder
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Non-ASCII stays raw UTF-8 (2–4 bytes) instead of \uXXXX escapes (6–12 bytes): Urdu headlines fit.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Serialize(PushPayload payload) => JsonSerializer.SerializeToUtf8Bytes(payload, Json);

    /// <summary>
    /// How many bytes the untrimmed payload exceeds the limit by (0 when it fits), in the larger of its two
    /// shapes (plain, or declarative for Apple's push service).
    /// </summary>
    public static int Overflow(PushPayload payload, int maxBytes = PushMessageEncryptor.MaxPlaintextBytes) =>
        Math.Max(0, Math.Max(Serialize(payload).Length, DeclarativePush.Serialize(payload).Length) - maxBytes);

    public static byte[] Build(PushPayload payload, int maxBytes = PushMessageEncryptor.MaxPlaintextBytes) =>
        Serialize(Fit(payload, maxBytes));

    /// <summary>
    /// The payload with its body (then title) shortened so that it serialises within the limit. Fitted
    /// once with a placeholder of the click token's fixed length, it fits with every reader's own token.
    /// </summary>
    public static PushPayload Fit(PushPayload payload, int maxBytes = PushMessageEncryptor.MaxPlaintextBytes)
    {
        var bytes = Serialize(payload);
        if (bytes.Length <= maxBytes) return payload;

        var trimmed = payload with { Body = Shorten(payload.Body, payload, maxBytes, (p, s) => p with { Body = s }) };
        bytes = Serialize(trimmed);
        if (bytes.Length <= maxBytes) return trimmed;

        trimmed = trimmed with { Body = "", Title = Shorten(payload.Title, trimmed with { Body = "" }, maxBytes, (p, s) => p with { Title = s }) };
        bytes = Serialize(trimmed);
        if (bytes.Length <= maxBytes) return trimmed;

        throw new InvalidOperationException($"The push payload is {bytes.Length - maxBytes} bytes over the limit even without title and body (URL or image too long).");
    }

    /// <summary>The longest prefix of <paramref name="text"/> (plus an ellipsis) that keeps the payload within the limit.</summary>
    private static string Shorten(string text, PushPayload template, int maxBytes, Func<PushPayload, string, PushPayload> with)
    {
        var boundaries = StringInfo.ParseCombiningCharacters(text);
        int low = 0, high = boundaries.Length - 1;
        var best = "";
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var candidate = text[..boundaries[middle]].TrimEnd() + "…";
            if (Serialize(with(template, candidate)).Length <= maxBytes)
            {
                best = candidate;
                low = middle + 1;
            }
            else high = middle - 1;
        }
        return best;
    }
}

/// <summary>
/// A fitted payload serialised once, with a placeholder where each reader's click token goes: a reader's
/// payload is then two copies and the token, not a JSON serialisation per push.
/// </summary>
public sealed class PushPayloadTemplate
{
    private readonly byte[] _prefix;
    private readonly byte[] _suffix;

    private PushPayloadTemplate(byte[] prefix, byte[] suffix)
    {
        _prefix = prefix;
        _suffix = suffix;
    }

    /// <param name="declarative">Serialise as a Declarative Web Push message (<see cref="DeclarativePush"/>) instead of the plain payload.</param>
    public static PushPayloadTemplate For(PushPayload fitted, bool declarative = false)
    {
        var placeheld = fitted with { ClickToken = Notifications.ClickTokens.Placeholder };
        var json = declarative ? DeclarativePush.Serialize(placeheld) : PushPayloadBuilder.Serialize(placeheld);
        // The click token is the last property written, so its placeholder is the last occurrence.
        var marker = System.Text.Encoding.ASCII.GetBytes($"\"{Notifications.ClickTokens.Placeholder}\"");
        var at = json.AsSpan().LastIndexOf(marker) + 1;
        if (at <= 0) throw new InvalidOperationException("The payload has no click token placeholder.");
        return new PushPayloadTemplate(json[..at], json[(at + Notifications.ClickTokens.Length)..]);
    }

    /// <param name="clickToken">ASCII, exactly <see cref="Notifications.ClickTokens.Length"/> characters.</param>
    public byte[] WithClickToken(string clickToken)
    {
        if (clickToken.Length != Notifications.ClickTokens.Length || !System.Text.Ascii.IsValid(clickToken))
            throw new ArgumentException($"A click token is {Notifications.ClickTokens.Length} ASCII characters.", nameof(clickToken));
        var payload = GC.AllocateUninitializedArray<byte>(_prefix.Length + clickToken.Length + _suffix.Length);
        _prefix.CopyTo(payload, 0);
        System.Text.Encoding.ASCII.GetBytes(clickToken, payload.AsSpan(_prefix.Length));
        _suffix.CopyTo(payload, _prefix.Length + clickToken.Length);
        return payload;
    }
}
