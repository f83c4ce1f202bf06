using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Alerts.WebPush;

namespace Alerts.Delivery;

/// <summary>
/// The JSON a browser's service worker receives (DESIGN.md §6). <see cref="ClickToken"/> is this push's
/// own token, which the worker sends back with a click so that a click counts once per reader.
/// </summary>
public sealed record PushPayload(
    string Id, string Kind, string Title, string Body, string Url, string? Icon, string? Image, string Tag, long Timestamp,
    string? ClickToken = null);

/// <summary>
/// Serialises a payload to UTF-8 and keeps it within one aes128gcm record: the body is shortened first,
/// then the title, always at whole text elements so multi-byte text is never cut mid-character.
/// </summary>
public static class PushPayloadBuilder
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Non-ASCII stays raw UTF-8 (2–4 bytes) instead of \uXXXX escapes (6–12 bytes): Urdu headlines fit.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Serialize(PushPayload payload) => JsonSerializer.SerializeToUtf8Bytes(payload, Json);

    /// <summary>How many bytes the untrimmed payload exceeds the limit by (0 when it fits).</summary>
    public static int Overflow(PushPayload payload, int maxBytes = PushMessageEncryptor.MaxPlaintextBytes) =>
        Math.Max(0, Serialize(payload).Length - maxBytes);

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
