using Alerts.Delivery;
using Alerts.Hosting;
using Alerts.Sections;
using Alerts.Subscriptions;
using Alerts.Testing;

namespace Alerts.UnitTests.Subscriptions;

public sealed class MaxPerDayValidationTests
{
    private static readonly SubscriptionValidator Validator = new(
        new SectionCatalog(SectionCatalog.SeedSite), new PushEndpointPolicy(PushOptions.DefaultAllowedOrigins));

    private static readonly TestSubscriber Browser = TestSubscriber.Create();

    private static (SubscriptionPreferences? Preferences, ValidationErrors Errors) Check(int? maxPerDay)
    {
        var request = new SubscribeRequest(
            new PushSubscriptionJson("https://fcm.googleapis.com/fcm/send/abc", null, new PushKeysJson(Browser.P256dh, Browser.Auth)),
            ["world"], new DeliveryJson("instant"), null, "Asia/Karachi", null, maxPerDay);
        var errors = new ValidationErrors();
        var (_, preferences) = Validator.Validate(request, subscriptionRequired: true, errors);
        return (preferences, errors);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(50)]
    public void A_limit_from_1_to_50_is_kept(int limit)
    {
        var (preferences, errors) = Check(limit);
        Assert.False(errors.Any, errors.Detail);
        Assert.Equal(limit, preferences!.MaxPerDay);
    }

    [Fact]
    public void No_limit_is_null()
    {
        var (preferences, errors) = Check(null);
        Assert.False(errors.Any, errors.Detail);
        Assert.Null(preferences!.MaxPerDay);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(51)]
    [InlineData(1000)]
    public void A_limit_outside_1_to_50_is_refused_naming_maxPerDay(int limit)
    {
        var (preferences, errors) = Check(limit);
        Assert.Null(preferences);
        Assert.StartsWith("maxPerDay:", errors.Detail);
        Assert.Contains("from 1 to 50", errors.Detail);
    }
}
