using Alerts.Delivery;
using Alerts.Hosting;
using Alerts.Sections;
using Alerts.Subscriptions;
using Alerts.Testing;

namespace Alerts.UnitTests.Subscriptions;

public sealed class SubscriptionValidatorTests
{
    private static readonly SubscriptionValidator Validator = new(
        new SectionCatalog(SectionCatalog.SeedSite), new PushEndpointPolicy(PushOptions.DefaultAllowedOrigins.Append("http://127.0.0.1:9931")));

    private static readonly TestSubscriber Browser = TestSubscriber.Create();

    private static SubscribeRequest Valid(string endpoint = "https://fcm.googleapis.com/fcm/send/abc") => new(
        new PushSubscriptionJson(endpoint, null, new PushKeysJson(Browser.P256dh, Browser.Auth)),
        ["world", "sports"], new DeliveryJson("instant"), new QuietHoursJson("22:00", "07:00"), "Asia/Karachi", null);

    private static ValidationErrors Check(SubscribeRequest request)
    {
        var errors = new ValidationErrors();
        Validator.Validate(request, subscriptionRequired: true, errors);
        return errors;
    }

    [Fact]
    public void Valid_subscription_passes_with_its_preferences()
    {
        var errors = new ValidationErrors();
        var (target, preferences) = Validator.Validate(Valid(), true, errors);

        Assert.False(errors.Any, errors.Detail);
        Assert.Equal("https://fcm.googleapis.com/fcm/send/abc", target!.Endpoint);
        Assert.Equal(["world", "sports"], preferences!.Sections);
        Assert.Equal(new TimeOnly(22, 0), preferences.QuietFrom);
        Assert.Equal("Asia/Karachi", preferences.TimeZone);
    }

    [Theory]
    [InlineData("https://evil.example.com/push", "not an allowed push service")]
    [InlineData("http://fcm.googleapis.com/fcm/send/abc", "not an allowed push service")]
    [InlineData("https://fcm.googleapis.com:8443/fcm/send/abc", "not an allowed push service")]
    [InlineData("https://user:pw@fcm.googleapis.com/fcm/send/abc", "credentials")]
    [InlineData("ftp://fcm.googleapis.com/x", "absolute https URL")]
    [InlineData("/relative", "absolute https URL")]
    public void Endpoint_outside_the_allow_list_is_refused(string endpoint, string reason)
    {
        var errors = Check(Valid(endpoint));
        Assert.Contains("subscription.endpoint", errors.Detail);
        Assert.Contains(reason, errors.Detail);
    }

    [Theory]
    [InlineData("https://web.push.apple.com/QGx")]
    [InlineData("https://db5p.notify.windows.com/w/?token=x")]
    [InlineData("https://updates.push.services.mozilla.com/wpush/v2/x")]
    [InlineData("http://127.0.0.1:9931/push/1")]
    public void Endpoint_on_an_allowed_push_service_passes(string endpoint) =>
        Assert.False(Check(Valid(endpoint)).Any);

    [Fact]
    public void Key_not_on_the_curve_is_refused_naming_p256dh()
    {
        var notOnCurve = new byte[65];
        notOnCurve[0] = 4;
        notOnCurve[1] = 1;
        var request = Valid() with { Subscription = new PushSubscriptionJson("https://fcm.googleapis.com/x", null,
            new PushKeysJson(System.Buffers.Text.Base64Url.EncodeToString(notOnCurve), Browser.Auth)) };

        Assert.Contains("subscription.keys.p256dh: is not a point on the P-256 curve", Check(request).Detail);
    }

    [Fact]
    public void Keys_of_the_wrong_size_are_refused_naming_each_field()
    {
        var request = Valid() with { Subscription = new PushSubscriptionJson("https://fcm.googleapis.com/x", null,
            new PushKeysJson(System.Buffers.Text.Base64Url.EncodeToString(new byte[64]), System.Buffers.Text.Base64Url.EncodeToString(new byte[15]))) };

        var detail = Check(request).Detail;
        Assert.Contains("subscription.keys.p256dh", detail);
        Assert.Contains("subscription.keys.auth", detail);
    }

    [Fact]
    public void Missing_subscription_is_refused() =>
        Assert.Contains("subscription: is required", Check(Valid() with { Subscription = null }).Detail);

    [Fact]
    public void Unknown_section_is_refused_naming_it() =>
        Assert.Contains("sections: 'cricket' is not a section", Check(Valid() with { Sections = ["world", "cricket"] }).Detail);

    [Fact]
    public void No_sections_is_refused() =>
        Assert.Contains("sections", Check(Valid() with { Sections = [] }).Detail);

    [Fact]
    public void Daily_digest_needs_a_time()
    {
        Assert.Contains("delivery.at", Check(Valid() with { Delivery = new DeliveryJson("digest") }).Detail);
        Assert.False(Check(Valid() with { Delivery = new DeliveryJson("digest", "08:00") }).Any);
        Assert.False(Check(Valid() with { Delivery = new DeliveryJson("digest", null, "hourly") }).Any);
        Assert.Contains("delivery.frequency", Check(Valid() with { Delivery = new DeliveryJson("digest", "08:00", "weekly") }).Detail);
        Assert.Contains("delivery.mode", Check(Valid() with { Delivery = new DeliveryJson("sometimes") }).Detail);
    }

    [Fact]
    public void Bad_time_zone_and_quiet_hours_are_refused()
    {
        Assert.Contains("timeZone", Check(Valid() with { TimeZone = "Mars/Olympus" }).Detail);
        Assert.Contains("quietHours.to", Check(Valid() with { QuietHours = new QuietHoursJson("22:00", "25:00") }).Detail);
    }
}
