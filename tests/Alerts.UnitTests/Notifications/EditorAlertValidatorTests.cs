using Alerts.Delivery;
using Alerts.Notifications;
using Alerts.Sections;
using Alerts.WebPush;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.UnitTests.Notifications;

public sealed class EditorAlertValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly SectionCatalog Catalog = new(SectionCatalog.SeedSite);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly EditorAlertValidator _validator;

    public EditorAlertValidatorTests() =>
        _validator = new EditorAlertValidator(new SectionCatalog(SectionCatalog.SeedSite), Options.Create(new PushOptions()), _time);

    private static EditorAlertRequest Valid() => new(
        "Earthquake shakes the capital", "Officials confirmed the news minutes ago.", "https://news.example/world/earthquake",
        "https://news.example/img/1.jpg", ["world"], null, null);

    private IReadOnlyList<string> FieldsWithErrors(EditorAlertRequest request)
    {
        var errors = _validator.Validate(request);
        return errors.Any ? errors.Detail.Split(". ", StringSplitOptions.RemoveEmptyEntries).Select(e => e[..e.IndexOf(':')]).Distinct().ToList() : [];
    }

    [Fact]
    public void Valid_alert_has_no_errors() => Assert.Empty(FieldsWithErrors(Valid()));

    [Fact]
    public void Alert_to_everyone_with_ttl_and_sendAt_ahead_is_valid() =>
        Assert.Empty(FieldsWithErrors(Valid() with { Sections = null, TtlSeconds = 600, SendAt = Now.AddMinutes(5) }));

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public void Missing_title_names_title(string? title) => Assert.Equal(["title"], FieldsWithErrors(Valid() with { Title = title }));

    [Theory]
    [InlineData(0L)]
    [InlineData(-5L)]
    [InlineData(10_000_001L)]
    public void Throttle_outside_one_to_ten_million_a_minute_names_throttlePerMinute(long rate) =>
        Assert.Equal(["throttlePerMinute"], FieldsWithErrors(Valid() with { ThrottlePerMinute = rate }));

    [Fact]
    public void Throttled_alert_keeps_its_rate()
    {
        Assert.Empty(FieldsWithErrors(Valid() with { ThrottlePerMinute = 1 }));
        Assert.Equal(5_000, _validator.ToNotification(Valid() with { ThrottlePerMinute = 5_000 }, Guid.NewGuid(), "desk", Now.UtcDateTime).ThrottlePerMinute);
        Assert.Null(_validator.ToNotification(Valid(), Guid.NewGuid(), "desk", Now.UtcDateTime).ThrottlePerMinute);
    }

    [Fact]
    public void Title_of_121_characters_names_title() =>
        Assert.Equal(["title"], FieldsWithErrors(Valid() with { Title = new string('t', 121) }));

    [Fact]
    public void Title_of_120_characters_is_accepted() =>
        Assert.Empty(FieldsWithErrors(Valid() with { Title = new string('t', 120) }));

    [Fact]
    public void Missing_or_over_long_body_names_body()
    {
        Assert.Equal(["body"], FieldsWithErrors(Valid() with { Body = "" }));
        Assert.Equal(["body"], FieldsWithErrors(Valid() with { Body = new string('b', 401) }));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("/world/earthquake")]
    [InlineData("ftp://news.example/file")]
    [InlineData("")]
    public void Unsafe_or_relative_url_names_url(string url) => Assert.Equal(["url"], FieldsWithErrors(Valid() with { Url = url }));

    [Fact]
    public void Unsafe_image_url_names_imageUrl() =>
        Assert.Equal(["imageUrl"], FieldsWithErrors(Valid() with { ImageUrl = "javascript:alert(1)" }));

    [Fact]
    public void Unknown_or_no_section_names_sections()
    {
        Assert.Equal(["sections"], FieldsWithErrors(Valid() with { Sections = ["weather"] }));
        Assert.Equal(["sections"], FieldsWithErrors(Valid() with { Sections = [] }));
    }

    [Fact]
    public void SendAt_in_the_past_names_sendAt() =>
        Assert.Equal(["sendAt"], FieldsWithErrors(Valid() with { SendAt = Now.AddSeconds(-1) }));

    [Theory]
    [InlineData(0)]
    [InlineData(59)]
    [InlineData(2_419_201)]
    public void Ttl_out_of_range_names_ttlSeconds(long ttl) =>
        Assert.Equal(["ttlSeconds"], FieldsWithErrors(Valid() with { TtlSeconds = ttl }));

    [Fact]
    public void Payload_over_4096_bytes_with_multi_byte_text_says_by_how_many_bytes()
    {
        // Urdu is two bytes a character in UTF-8, CJK three: within the character limits, but with long URLs too big for one push.
        var request = Valid() with
        {
            Title = new string('ب', 120),
            Body = new string('報', 400),
            Url = "https://news.example/" + new string('a', 1500),
            ImageUrl = "https://news.example/" + new string('i', 1500),
        };
        var payload = NotificationPayloads.For(_validator.ToNotification(request, Guid.NewGuid(), "desk", Now.UtcDateTime), new PushOptions(), Catalog);
        // Measured in the larger of the two shapes a reader may get (the declarative one for Apple's push service).
        var plaintext = Math.Max(PushPayloadBuilder.Serialize(payload).Length, DeclarativePush.Serialize(payload).Length);
        var expectedOverflow = plaintext - PushMessageEncryptor.MaxPlaintextBytes;
        Assert.True(expectedOverflow > 0, $"The test payload is only {plaintext} bytes.");

        var errors = _validator.Validate(request);

        Assert.Contains($"body: the encrypted push would be {expectedOverflow} bytes over the 4096-byte limit", errors.Detail);
    }

    [Fact]
    public void Payload_just_within_the_limit_with_multi_byte_text_is_accepted()
    {
        var request = Valid() with { Title = new string('ب', 120), Body = new string('報', 400), Url = "https://news.example/" + new string('a', 1000), ImageUrl = null };
        Assert.Equal(0, PushPayloadBuilder.Overflow(NotificationPayloads.For(_validator.ToNotification(request, Guid.NewGuid(), "desk", Now.UtcDateTime), new PushOptions(), Catalog)));
        Assert.Empty(FieldsWithErrors(request));
    }

    [Fact]
    public void Accepted_alert_becomes_an_urgent_breaking_notification_with_a_topic_per_story()
    {
        var notification = _validator.ToNotification(Valid() with { SendAt = Now.AddMinutes(10) }, Guid.NewGuid(), "desk", Now.UtcDateTime);
        var correction = _validator.ToNotification(Valid() with { Title = "Correction: earthquake" }, Guid.NewGuid(), "desk", Now.UtcDateTime);

        Assert.Equal(NotificationKind.Breaking, notification.Kind);
        Assert.Equal(PushUrgency.High, notification.Urgency);
        Assert.Equal(NotificationStatus.Scheduled, notification.Status);
        Assert.Equal(NotificationStatus.Queued, correction.Status);
        Assert.Equal(new PushOptions().BreakingTtlSeconds, notification.TtlSeconds);
        Assert.Equal("desk", notification.CreatedBy);
        Assert.NotNull(notification.Topic);
        Assert.Equal(notification.Topic, correction.Topic);
    }
}
