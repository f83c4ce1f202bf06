using System.Text;
using System.Text.Json;
using Alerts.Delivery;
using Alerts.WebPush;

namespace Alerts.UnitTests.Delivery;

public sealed class PushPayloadBuilderTests
{
    private static PushPayload Payload(string title, string body) => new(
        Guid.NewGuid().ToString(), "article", title, body, "https://news.example/world/summit",
        null, "https://news.example/img/1.jpg", "tag", 1540285200000);

    [Fact]
    public void Small_payload_is_serialised_whole_with_the_contract_field_names()
    {
        var json = JsonDocument.Parse(PushPayloadBuilder.Build(Payload("Title", "Body"))).RootElement;

        foreach (var field in new[] { "id", "kind", "title", "body", "url", "image", "tag", "timestamp" })
            Assert.True(json.TryGetProperty(field, out _), $"missing '{field}'");
        Assert.False(json.TryGetProperty("icon", out _), "a null icon should be left out");
        Assert.Equal("Body", json.GetProperty("body").GetString());
    }

    [Fact]
    public void Urdu_text_is_kept_as_raw_utf8_not_escaped()
    {
        var bytes = PushPayloadBuilder.Build(Payload("پاکستان", "خبریں"));
        Assert.Contains("پاکستان", Encoding.UTF8.GetString(bytes));
    }

    [Theory]
    [InlineData("ا")]   // Arabic script, 2 bytes a character
    [InlineData("新")]  // CJK, 3 bytes
    [InlineData("🇵🇰")] // a flag: two 4-byte code points forming one text element
    public void Long_multibyte_body_is_trimmed_under_the_limit_at_whole_characters(string unit)
    {
        var body = string.Concat(Enumerable.Repeat(unit, 5000));

        var bytes = PushPayloadBuilder.Build(Payload("Headline", body));

        Assert.InRange(bytes.Length, 1, PushMessageEncryptor.MaxPlaintextBytes);
        var text = JsonDocument.Parse(bytes).RootElement.GetProperty("body").GetString()!;
        Assert.EndsWith("…", text);
        var kept = text[..^1];
        Assert.Equal(0, kept.Length % unit.Length);
        Assert.Equal(kept, string.Concat(Enumerable.Repeat(unit, kept.Length / unit.Length)));
        // As full as it can be: one more character would not have fitted.
        Assert.True(bytes.Length > PushMessageEncryptor.MaxPlaintextBytes - Encoding.UTF8.GetByteCount(unit) - 8);
    }

    [Fact]
    public void Trimmed_payload_encrypts_to_at_most_4096_bytes()
    {
        var bytes = PushPayloadBuilder.Build(Payload(new string('ت', 3000), new string('ت', 3000)));
        var subscriber = Alerts.Testing.TestSubscriber.Create();

        var body = PushMessageEncryptor.Encrypt(bytes, Convert.FromBase64String(ToBase64(subscriber.P256dh)), Convert.FromBase64String(ToBase64(subscriber.Auth)));

        Assert.True(body.Length <= 4096, $"encrypted body is {body.Length} bytes");
        Assert.Equal(bytes, subscriber.Decrypt(body));
    }

    [Fact]
    public void Overflow_says_how_many_bytes_too_many()
    {
        var fits = Payload("Title", "Body");
        Assert.Equal(0, PushPayloadBuilder.Overflow(fits));
        // Measured in the larger shape: the declarative message Apple's push service gets.
        var size = DeclarativePush.Serialize(fits).Length;
        Assert.True(size > PushPayloadBuilder.Serialize(fits).Length);
        var over = Payload("Title", "Body" + new string('x', PushMessageEncryptor.MaxPlaintextBytes - size + 10));
        Assert.Equal(10, PushPayloadBuilder.Overflow(over));
    }

    private static string ToBase64(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
    }
}
