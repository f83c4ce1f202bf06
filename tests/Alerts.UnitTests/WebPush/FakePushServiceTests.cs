using System.Buffers.Text;
using System.Net;
using System.Text;
using Alerts.Testing;
using Alerts.WebPush;

namespace Alerts.UnitTests.WebPush;

/// <summary>Our sender against the fake push service on a loopback port: each checks the other.</summary>
public sealed class FakePushServiceTests : IAsyncLifetime
{
    private const string Subject = "mailto:push@news.example";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly VapidKeys _keys = VapidKeys.Generate();
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private FakePushService _push = null!;
    private VapidAuthentication _vapid = null!;
    private WebPushClient _client = null!;

    public async Task InitializeAsync()
    {
        _push = await FakePushService.StartAsync(Subject, _keys.PublicKey);
        _vapid = new VapidAuthentication(_keys, Subject, TimeProvider.System);
        _client = new WebPushClient(_http, _vapid);
    }

    public async Task DisposeAsync()
    {
        await _push.DisposeAsync();
        _vapid.Dispose();
        _http.Dispose();
    }

    [Fact]
    public async Task Push_sent_by_WebPushClient_is_accepted_and_decrypted()
    {
        TestSubscriber subscriber = TestSubscriber.Create();
        const string Payload = """{"id":"n-42","kind":"breaking","title":"Storm warning","url":"https://news.example/storm"}""";

        PushResponse response = await SendAsync(subscriber, Payload, new PushRequestOptions(3600, PushUrgency.High, "storm-42"));

        Assert.True(response.IsSuccess, $"status {response.StatusCode}: {response.Reason}; rejections: {string.Join("; ", _push.Rejections)}");
        await _push.WaitForDeliveredAsync(1, Timeout);
        ReceivedPush push = Assert.Single(_push.ReceivedBy(subscriber));
        Assert.Equal(Payload, push.Plaintext);
        Assert.Equal("n-42", push.Payload.GetProperty("id").GetString());
        Assert.Equal(3600, push.Ttl);
        Assert.Equal("high", push.Urgency);
        Assert.Equal("storm-42", push.Topic);
        Assert.Empty(_push.Rejections);
    }

    [Fact]
    public async Task Token_signed_for_another_origin_is_rejected_as_unauthorized()
    {
        TestSubscriber subscriber = TestSubscriber.Create();
        string endpoint = _push.EndpointFor(subscriber);
        byte[] body = PushMessageEncryptor.Encrypt("{}"u8, Base64Url.DecodeFromChars(subscriber.P256dh), Base64Url.DecodeFromChars(subscriber.Auth));
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentEncoding.Add("aes128gcm");
        request.Headers.TryAddWithoutValidation("TTL", "60");
        request.Headers.TryAddWithoutValidation("Authorization", _vapid.GetAuthorizationHeaderValue(new Uri("https://push.elsewhere.example/x")));

        using HttpResponseMessage response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_push.Received);
        Assert.Contains(_push.Rejections, r => r.Contains("aud is 'https://push.elsewhere.example'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Request_without_a_TTL_header_is_rejected_as_a_bad_request()
    {
        TestSubscriber subscriber = TestSubscriber.Create();
        string endpoint = _push.EndpointFor(subscriber);
        byte[] body = PushMessageEncryptor.Encrypt("{}"u8, Base64Url.DecodeFromChars(subscriber.P256dh), Base64Url.DecodeFromChars(subscriber.Auth));
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentEncoding.Add("aes128gcm");
        request.Headers.TryAddWithoutValidation("Authorization", _vapid.GetAuthorizationHeaderValue(new Uri(endpoint)));

        using HttpResponseMessage response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("no TTL header", Assert.Single(_push.Rejections), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_from_a_key_other_than_the_application_server_key_is_forbidden()
    {
        TestSubscriber subscriber = TestSubscriber.Create();
        using var otherVapid = new VapidAuthentication(VapidKeys.Generate(), Subject, TimeProvider.System);
        var client = new WebPushClient(_http, otherVapid);
        byte[] body = PushMessageEncryptor.Encrypt("{}"u8, Base64Url.DecodeFromChars(subscriber.P256dh), Base64Url.DecodeFromChars(subscriber.Auth));

        PushResponse response = await client.SendAsync(new Uri(_push.EndpointFor(subscriber)), body, new PushRequestOptions(60, PushUrgency.Normal), CancellationToken.None);

        Assert.Equal(403, response.StatusCode);
        Assert.Contains("not the application server key", response.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Body_that_does_not_decrypt_is_rejected_as_a_bad_request()
    {
        TestSubscriber subscriber = TestSubscriber.Create();
        TestSubscriber someoneElse = TestSubscriber.Create();
        byte[] body = PushMessageEncryptor.Encrypt("{}"u8, Base64Url.DecodeFromChars(someoneElse.P256dh), Base64Url.DecodeFromChars(someoneElse.Auth));

        PushResponse response = await _client.SendAsync(new Uri(_push.EndpointFor(subscriber)), body, new PushRequestOptions(60, PushUrgency.Normal), CancellationToken.None);

        Assert.Equal(400, response.StatusCode);
        Assert.Contains("cannot decrypt", Assert.Single(_push.Rejections), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scripted_answers_come_back_as_push_responses_then_the_default_201()
    {
        TestSubscriber subscriber = TestSubscriber.Create();
        _push.Script(subscriber, FakeResponse.TooManyRequests(30), FakeResponse.ServerError(), FakeResponse.Gone());

        PushResponse tooMany = await SendAsync(subscriber, "{}", new PushRequestOptions(60, PushUrgency.Low));
        PushResponse failing = await SendAsync(subscriber, "{}", new PushRequestOptions(60, PushUrgency.Low));
        PushResponse gone = await SendAsync(subscriber, "{}", new PushRequestOptions(60, PushUrgency.Low));
        PushResponse created = await SendAsync(subscriber, "{}", new PushRequestOptions(60, PushUrgency.Low));

        Assert.True(tooMany.IsRetryable);
        Assert.Equal(TimeSpan.FromSeconds(30), tooMany.RetryAfter);
        Assert.True(failing.IsRetryable);
        Assert.True(gone.IsGone);
        Assert.Equal(201, created.StatusCode);
        await _push.WaitForRequestsAsync(r => r.Count == 4, Timeout);
        Assert.Single(_push.Delivered);
        Assert.Equal([429, 503, 410, 201], _push.ReceivedBy(subscriber).Select(p => p.AnsweredStatus));
    }

    [Fact]
    public async Task Waiting_for_more_than_arrived_times_out_with_what_arrived()
    {
        TestSubscriber subscriber = TestSubscriber.Create();
        await SendAsync(subscriber, """{"id":"only-one"}""", new PushRequestOptions(60, PushUrgency.Normal));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => _push.WaitForDeliveredAsync(2, TimeSpan.FromMilliseconds(200)));

        Assert.Contains("only-one", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("plus+slash/")]
    [InlineData("")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    public void Topic_outside_1_to_32_base64url_characters_is_refused(string topic)
    {
        Assert.Throws<ArgumentException>(() => new PushRequestOptions(60, PushUrgency.Normal, topic));
        Assert.Throws<ArgumentException>(() => new PushRequestOptions(60, PushUrgency.Normal) with { Topic = topic });
    }

    private Task<PushResponse> SendAsync(TestSubscriber subscriber, string payload, PushRequestOptions options)
    {
        byte[] body = PushMessageEncryptor.Encrypt(Encoding.UTF8.GetBytes(payload), Base64Url.DecodeFromChars(subscriber.P256dh), Base64Url.DecodeFromChars(subscriber.Auth));
        return _client.SendAsync(new Uri(_push.EndpointFor(subscriber)), body, options, CancellationToken.None);
    }
}
