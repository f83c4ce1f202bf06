using System.Text;
using Alerts.Delivery;
using Alerts.Notifications;

namespace Alerts.UnitTests.Delivery;

/// <summary>
/// The template splices each reader's click token into a payload serialised once; the result must be the very
/// bytes a full serialisation with that token gives, whatever the headline says.
/// </summary>
public sealed class PushPayloadTemplateTests
{
    private static readonly string Placeholder = ClickTokens.Placeholder;

    private static PushPayload Payload(string title, string body, string? icon = null) => new(
        Guid.NewGuid().ToString(), "article", title, body, "https://news.example/world/summit",
        icon, "https://news.example/img/1.jpg", "tag", 1540285200000);

    /// <summary>Shaped like a real token: 32 hex digits, a dot, 22 base64url characters.</summary>
    private static string Token() => $"{Guid.NewGuid():N}.{Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_')}";

    public static TheoryData<string, string, string> Headlines => new()
    {
        { "plain", "Summit ends in agreement", "Leaders sign the accord." },
        { "title is the placeholder", Placeholder, "Body" },
        { "body is the placeholder", "Title", Placeholder },
        { "both are the placeholder", Placeholder, Placeholder },
        { "placeholder inside quotes in the body", "Title", $"\"{Placeholder}\"" },
        { "longer runs of x", new string('x', 3 * ClickTokens.Length + 1), new string('x', ClickTokens.Length - 1) },
        { "Urdu", "پاکستان میں انتخابات", "خبریں اور تجزیہ" },
        { "CJK and a flag", "新闻 🇵🇰", "速报 \"quoted\" \\ back\u00a0slash" },
    };

    [Theory]
    [MemberData(nameof(Headlines))]
    public void A_readers_payload_is_exactly_the_full_serialisation_with_their_token(string why, string title, string body)
    {
        var payload = Payload(title, body);
        var template = PushPayloadTemplate.For(payload);

        foreach (var token in new[] { Token(), Token(), Placeholder })
            AssertSameBytes(PushPayloadBuilder.Serialize(payload with { ClickToken = token }), template.WithClickToken(token), why);
    }

    [Theory]
    [InlineData("ا", 100)]   // body trimmed
    [InlineData("x", 100)]   // body trimmed, and made of the placeholder's own character
    [InlineData("🇵🇰", 100)] // body trimmed at whole flags
    [InlineData("x", 5000)]  // body dropped, title trimmed
    [InlineData("新", 5000)]
    public void A_fitted_payload_with_a_token_is_the_full_serialisation_and_stays_within_the_limit(string unit, int titleUnits)
    {
        var untrimmed = Payload(string.Concat(Enumerable.Repeat(unit, titleUnits)), string.Concat(Enumerable.Repeat(unit, 5000))) with { ClickToken = Placeholder };
        var fitted = PushPayloadBuilder.Fit(untrimmed);
        Assert.True(fitted.Body.EndsWith('…') || fitted.Title.EndsWith('…'), "The case under test is a trimmed payload, but nothing was trimmed.");
        var template = PushPayloadTemplate.For(fitted);

        var token = Token();
        var bytes = template.WithClickToken(token);

        AssertSameBytes(PushPayloadBuilder.Serialize(fitted with { ClickToken = token }), bytes, $"title of {titleUnits} and body of 5000 '{unit}' fitted");
        Assert.True(bytes.Length <= Alerts.WebPush.PushMessageEncryptor.MaxPlaintextBytes,
            $"The fitted payload with a token is {bytes.Length} bytes, over the {Alerts.WebPush.PushMessageEncryptor.MaxPlaintextBytes}-byte limit.");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ClickTokens.Length - 1)]
    [InlineData(ClickTokens.Length + 1)]
    public void A_token_of_the_wrong_length_is_refused(int length)
    {
        var template = PushPayloadTemplate.For(Payload("Title", "Body"));

        var refused = Assert.Throws<ArgumentException>(() => template.WithClickToken(new string('a', length)));
        Assert.Equal("clickToken", refused.ParamName);
    }

    [Fact]
    public void A_token_that_is_not_ascii_is_refused()
    {
        var template = PushPayloadTemplate.For(Payload("Title", "Body"));

        Assert.Throws<ArgumentException>(() => template.WithClickToken("é" + Token()[1..]));
    }

    private static void AssertSameBytes(byte[] expected, byte[] actual, string why)
    {
        if (expected.AsSpan().SequenceEqual(actual)) return;
        var at = expected.AsSpan().CommonPrefixLength(actual);
        Assert.Fail($"{why}: the spliced payload differs from the full serialisation at byte {at} of {expected.Length} (spliced: {actual.Length} bytes).\n" +
            $"expected: {Encoding.UTF8.GetString(expected)}\nspliced:  {Encoding.UTF8.GetString(actual)}");
    }
}
