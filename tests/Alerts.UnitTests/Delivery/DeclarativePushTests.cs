using System.Text;
using System.Text.Json;
using Alerts.Delivery;
using Alerts.Notifications;
using Alerts.Sections;
using Alerts.WebPush;

namespace Alerts.UnitTests.Delivery;

/// <summary>
/// The payload for Apple's push service is a Declarative Web Push message (W3C Push API, "declarative push
/// message"): web_push 8030, a notification with at least title and navigate (an absolute URL), only the
/// members the format defines, and Alerts' own fields beside it for the service worker.
/// </summary>
public sealed class DeclarativePushTests
{
    private static readonly string[] NotificationMembers =
        ["title", "dir", "lang", "body", "navigate", "tag", "image", "icon", "badge", "vibrate", "timestamp", "renotify", "silent", "require_interaction", "data", "actions"];

    private static PushPayload Payload(string title = "Summit ends in agreement", string body = "Leaders sign the accord.") => new(
        Guid.NewGuid().ToString(), "breaking", title, body, "https://news.example/world/summit", "https://news.example/icon.png",
        "https://news.example/img/1.jpg", "tag-1", 1540285200000,
        Actions: PushActions.For(new Notification { Title = "t", Body = "b", Url = "u", Sections = "world" }, new SectionCatalog(SectionCatalog.SeedSite)),
        ClickToken: ClickTokens.Placeholder);

    private static JsonElement Parse(byte[] json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void Message_has_the_declarative_members_and_alerts_own_fields()
    {
        var payload = Payload();
        var json = Parse(DeclarativePush.Serialize(payload));

        Assert.Equal(8030, json.GetProperty("web_push").GetInt32());
        Assert.True(json.GetProperty("mutable").GetBoolean());
        var shown = json.GetProperty("notification");
        Assert.Equal("Summit ends in agreement", shown.GetProperty("title").GetString());
        Assert.Equal("Leaders sign the accord.", shown.GetProperty("body").GetString());
        Assert.Equal("https://news.example/world/summit", shown.GetProperty("navigate").GetString());
        Assert.True(Uri.TryCreate(shown.GetProperty("navigate").GetString(), UriKind.Absolute, out _));
        Assert.Equal("tag-1", shown.GetProperty("tag").GetString());
        Assert.Equal(1540285200000, shown.GetProperty("timestamp").GetInt64());
        Assert.All(shown.EnumerateObject(), member => Assert.Contains(member.Name, NotificationMembers));
        // Declarative actions would each need a navigate URL; the mute action is the service worker's, so they stay outside.
        Assert.False(shown.TryGetProperty("actions", out _));

        Assert.Equal(payload.Id, json.GetProperty("id").GetString());
        Assert.Equal("breaking", json.GetProperty("kind").GetString());
        Assert.Equal("mute", json.GetProperty("actions")[1].GetProperty("action").GetString());
        Assert.Equal("clickToken", json.EnumerateObject().Last().Name);
    }

    [Fact]
    public void Quiet_correction_is_silent_and_a_clicked_one_renotifies()
    {
        var correction = Payload() with { CorrectsId = Guid.NewGuid().ToString(), Renotify = false };

        var quiet = Parse(DeclarativePush.Serialize(correction)).GetProperty("notification");
        var loud = Parse(DeclarativePush.Serialize(NotificationPayloads.ForClickedReaders(correction))).GetProperty("notification");

        Assert.True(quiet.GetProperty("silent").GetBoolean());
        Assert.False(quiet.TryGetProperty("renotify", out _));
        Assert.True(loud.GetProperty("renotify").GetBoolean());
        Assert.StartsWith("Correction: ", loud.GetProperty("title").GetString());
    }

    [Fact]
    public void Declarative_template_gives_the_full_serialisation_with_the_readers_token()
    {
        var payload = Payload(title: ClickTokens.Placeholder, body: ClickTokens.Placeholder);
        var token = $"{Guid.NewGuid():N}.{new string('A', 22)}";

        var bytes = PushPayloadTemplate.For(payload, declarative: true).WithClickToken(token);

        Assert.Equal(Encoding.UTF8.GetString(DeclarativePush.Serialize(payload with { ClickToken = token })), Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Long_multi_byte_text_is_shortened_until_the_declarative_message_fits()
    {
        var payload = Payload(title: new string('ب', 300), body: string.Concat(Enumerable.Repeat("報道 ", 3000)));

        var fitted = DeclarativePush.Fit(payload);
        var size = DeclarativePush.Serialize(fitted).Length;

        Assert.True(size <= PushMessageEncryptor.MaxPlaintextBytes, $"The declarative message is {size} bytes");
        Assert.True(size > PushMessageEncryptor.MaxPlaintextBytes - 64, $"The declarative message was cut to {size} bytes, far below the limit");
        Assert.EndsWith("…", fitted.Body);
    }

    [Theory]
    [InlineData("https://web.push.apple.com/QGx", true)]
    [InlineData("https://api.push.apple.com/x", true)]
    [InlineData("https://fcm.googleapis.com/fcm/send/x", false)]
    [InlineData("https://evilpush.apple.com.example/x", false)]
    [InlineData("https://push.apple.com.evil/x", false)]
    public void Apple_push_service_hosts_get_the_declarative_shape_by_default(string endpoint, bool declarative) =>
        Assert.Equal(declarative, new PushOptions().IsDeclarative(endpoint));
}
