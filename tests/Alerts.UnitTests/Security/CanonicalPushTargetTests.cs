using Alerts.Subscriptions;

namespace Alerts.UnitTests.Security;

/// <summary>One spelling per endpoint, so a lookup by hash finds the subscription however it was written.</summary>
public sealed class CanonicalPushTargetTests
{
    [Theory]
    [InlineData("https://FCM.GOOGLEAPIS.COM/fcm/send/abc", "https://fcm.googleapis.com/fcm/send/abc")]
    [InlineData("HTTPS://fcm.googleapis.com:443/fcm/send/abc", "https://fcm.googleapis.com/fcm/send/abc")]
    [InlineData("https://fcm.googleapis.com/fcm/%73end/abc", "https://fcm.googleapis.com/fcm/send/abc")]
    [InlineData("https://fcm.googleapis.com/fcm/send/a%2fb", "https://fcm.googleapis.com/fcm/send/a%2Fb")]
    [InlineData("https://web.push.apple.com/QGuQ?x=%7e1", "https://web.push.apple.com/QGuQ?x=~1")]
    [InlineData("http://127.0.0.1:9931/push/1", "http://127.0.0.1:9931/push/1")]
    [InlineData("https://fcm.googleapis.com:8443/a", "https://fcm.googleapis.com:8443/a")]
    public void Endpoints_have_one_spelling(string given, string canonical) =>
        Assert.Equal(canonical, CanonicalPushTarget.Endpoint(given));

    [Fact]
    public void Keys_are_unpadded_base64url_of_their_bytes()
    {
        var bytes = Enumerable.Range(250, 16).Select(i => (byte)i).ToArray();
        Assert.Equal("-vv8_f7_AAECAwQFBgcICQ", CanonicalPushTarget.Key(bytes));
    }

    [Fact]
    public void Keys_stored_padded_read_back_in_the_one_spelling()
    {
        Assert.Equal("-vv8_f7_AAECAwQFBgcICQ", CanonicalPushTarget.Key("-vv8_f7_AAECAwQFBgcICQ=="));
        Assert.Equal("-vv8_f7_AAECAwQFBgcICQ", CanonicalPushTarget.Key("-vv8_f7_AAECAwQFBgcICQ"));
    }
}
