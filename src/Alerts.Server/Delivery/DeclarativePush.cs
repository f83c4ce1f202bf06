using System.Text.Json;
using System.Text.Json.Serialization;
using Alerts.WebPush;

namespace Alerts.Delivery;

/// <summary>
/// A push in the shape of a Declarative Web Push message (W3C Push API, "declarative push message"), which
/// Safari 18.4+ shows by itself, even when the service worker was evicted:
/// <c>{"web_push":8030,"notification":{"title","body","navigate","tag",…},"mutable":true, …Alerts' own fields}</c>.
/// What the browser shows (title, body, link, icon, image, tag, time, renotify/silent) lives in
/// <c>notification</c> only; Alerts' own fields (id, kind, correctsId, actions, clickToken) stay at the top for
/// the service worker, which <c>mutable</c> lets see the push. Nothing is written twice, so the declarative
/// shape is larger than the plain one by a few bytes that do not depend on the text.
/// </summary>
public static class DeclarativePush
{
    /// <summary>The value of <c>web_push</c> that marks a declarative message (the spec's magic number).</summary>
    public const int Magic = 8030;

    public static byte[] Serialize(PushPayload payload) =>
        JsonSerializer.SerializeToUtf8Bytes(Message.From(payload), PushPayloadBuilder.Json);

    /// <summary>The payload shortened (body, then title) so that its declarative shape fits the limit.</summary>
    public static PushPayload Fit(PushPayload payload, int maxBytes = PushMessageEncryptor.MaxPlaintextBytes)
    {
        var extra = Serialize(payload).Length - PushPayloadBuilder.Serialize(payload).Length;
        var fitted = PushPayloadBuilder.Fit(payload, maxBytes - Math.Max(0, extra));
        var size = Serialize(fitted).Length;
        return size <= maxBytes
            ? fitted
            : throw new InvalidOperationException($"The declarative push payload is {size - maxBytes} bytes over the limit.");
    }

    /// <summary>The declarative notification: only members the spec defines (unknown ones would be ignored, not shown).</summary>
    private sealed record Shown(
        string Title, string Body, string Navigate, string Tag, string? Icon, string? Image, long Timestamp, bool? Renotify, bool? Silent);

    // Property order is the JSON order: clickToken last, as PushPayloadTemplate requires.
    private sealed record Message(
        [property: JsonPropertyName("web_push")] int WebPush, Shown Notification, bool Mutable,
        string Id, string Kind, string? CorrectsId, IReadOnlyList<PushAction>? Actions, string? ClickToken)
    {
        public static Message From(PushPayload p) => new(
            Magic,
            new Shown(p.Title, p.Body, p.Url, p.Tag, p.Icon, p.Image, p.Timestamp,
                // A quiet correction (renotify false) replaces the notification without a sound.
                Renotify: p.Renotify == true ? true : null, Silent: p.Renotify == false ? true : null),
            Mutable: true, p.Id, p.Kind, p.CorrectsId, p.Actions, p.ClickToken);
    }
}
