using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Alerts.WebPush;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.UnitTests.WebPush;

public sealed class VapidAuthenticationTests
{
    private const string Subject = "mailto:push@news.example";
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Header_is_a_vapid_token_that_verifies_with_the_public_key()
    {
        VapidKeys keys = VapidKeys.Generate();
        using var vapid = new VapidAuthentication(keys, Subject, new FakeTimeProvider(Start));

        Token token = Token.Parse(vapid.GetAuthorizationHeaderValue(new Uri("https://fcm.googleapis.com/fcm/send/abc")));

        Assert.Equal(keys.PublicKey, token.Key);
        Assert.Equal("JWT", token.Header.GetProperty("typ").GetString());
        Assert.Equal("ES256", token.Header.GetProperty("alg").GetString());
        Assert.True(token.VerifiesWith(keys.PublicKey), "ES256 signature (r ‖ s) must verify with k");
    }

    [Theory]
    [InlineData("https://fcm.googleapis.com/fcm/send/abc?x=1", "https://fcm.googleapis.com")]
    [InlineData("https://updates.push.services.mozilla.com:443/wpush/v2/abc", "https://updates.push.services.mozilla.com")]
    [InlineData("https://Push.Example.NET:8443/p/abc", "https://push.example.net:8443")]
    [InlineData("http://127.0.0.1:41234/push/1", "http://127.0.0.1:41234")]
    [InlineData("http://[::1]:8080/push/1", "http://[::1]:8080")]
    [InlineData("https://bücher.example/push/1", "https://xn--bcher-kva.example")]
    public void Claims_carry_the_endpoint_origin_a_12_hour_expiry_and_the_subject(string endpoint, string origin)
    {
        using var vapid = new VapidAuthentication(VapidKeys.Generate(), Subject, new FakeTimeProvider(Start));

        Token token = Token.Parse(vapid.GetAuthorizationHeaderValue(new Uri(endpoint)));

        Assert.Equal(origin, token.Claims.GetProperty("aud").GetString());
        Assert.Equal(Start.AddHours(12).ToUnixTimeSeconds(), token.Claims.GetProperty("exp").GetInt64());
        Assert.Equal(Subject, token.Claims.GetProperty("sub").GetString());
    }

    [Fact]
    public void Header_is_reused_for_endpoints_of_the_same_origin()
    {
        var time = new FakeTimeProvider(Start);
        using var vapid = new VapidAuthentication(VapidKeys.Generate(), Subject, time);

        string first = vapid.GetAuthorizationHeaderValue(new Uri("https://push.example.net/a"));
        time.Advance(TimeSpan.FromHours(10));
        string second = vapid.GetAuthorizationHeaderValue(new Uri("https://push.example.net/b"));
        string other = vapid.GetAuthorizationHeaderValue(new Uri("https://other.example.net/a"));

        Assert.Same(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Header_is_signed_again_when_less_than_an_hour_remains()
    {
        var time = new FakeTimeProvider(Start);
        using var vapid = new VapidAuthentication(VapidKeys.Generate(), Subject, time);
        var endpoint = new Uri("https://push.example.net/a");

        string first = vapid.GetAuthorizationHeaderValue(endpoint);
        time.Advance(TimeSpan.FromHours(11.5));
        string renewed = vapid.GetAuthorizationHeaderValue(endpoint);

        Assert.NotEqual(first, renewed);
        Assert.Equal(time.GetUtcNow().AddHours(12).ToUnixTimeSeconds(), Token.Parse(renewed).Claims.GetProperty("exp").GetInt64());
    }

    [Theory]
    [InlineData("")]
    [InlineData("push@news.example")]
    [InlineData("http://news.example/contact")]
    [InlineData("mailto:")]
    [InlineData("https:")]
    public void Subject_that_is_not_a_mailto_or_https_uri_is_refused(string subject)
    {
        var error = Assert.Throws<ArgumentException>(() => new VapidAuthentication(VapidKeys.Generate(), subject, TimeProvider.System));

        Assert.Equal("subject", error.ParamName);
    }

    [Fact]
    public void Https_subject_is_accepted()
    {
        using var vapid = new VapidAuthentication(VapidKeys.Generate(), "https://news.example/contact", TimeProvider.System);

        Assert.StartsWith("vapid t=", vapid.GetAuthorizationHeaderValue(new Uri("https://push.example.net/a")), StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_read_back_from_base64url_equal_the_generated_ones()
    {
        VapidKeys generated = VapidKeys.Generate();

        VapidKeys read = VapidKeys.FromBase64Url(generated.PublicKey, generated.PrivateKey);

        Assert.Equal(generated, read);
        Assert.Equal(65, Base64Url.DecodeFromChars(read.PublicKey).Length);
        Assert.Equal(32, Base64Url.DecodeFromChars(read.PrivateKey).Length);
    }

    [Fact]
    public void Public_key_of_another_pair_is_refused_without_revealing_the_private_key()
    {
        VapidKeys one = VapidKeys.Generate();
        VapidKeys other = VapidKeys.Generate();

        var error = Assert.Throws<ArgumentException>(() => VapidKeys.FromBase64Url(other.PublicKey, one.PrivateKey));

        Assert.Contains("does not belong", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(one.PrivateKey, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(64, 32)]
    [InlineData(65, 31)]
    [InlineData(65, 33)]
    public void Keys_of_the_wrong_size_are_refused(int publicLength, int privateLength)
    {
        VapidKeys keys = VapidKeys.Generate();
        string publicKey = Base64Url.EncodeToString(Base64Url.DecodeFromChars(keys.PublicKey).AsSpan(0, Math.Min(65, publicLength)).ToArray().Concat(new byte[Math.Max(0, publicLength - 65)]).ToArray());
        byte[] privateBytes = new byte[privateLength];
        Base64Url.DecodeFromChars(keys.PrivateKey).AsSpan(0, Math.Min(32, privateLength)).CopyTo(privateBytes);
        string privateKey = Base64Url.EncodeToString(privateBytes);

        var error = Assert.Throws<ArgumentException>(() => VapidKeys.FromBase64Url(publicKey, privateKey));

        Assert.DoesNotContain(privateKey, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Private_key_that_is_not_base64url_is_refused_without_echoing_it()
    {
        VapidKeys keys = VapidKeys.Generate();
        string broken = "***" + keys.PrivateKey;

        var error = Assert.Throws<ArgumentException>(() => VapidKeys.FromBase64Url(keys.PublicKey, broken));

        Assert.DoesNotContain(keys.PrivateKey, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_shows_the_public_key_but_not_the_private_key()
    {
        VapidKeys keys = VapidKeys.Generate();

        string text = keys.ToString();

        Assert.Contains(keys.PublicKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(keys.PrivateKey, text, StringComparison.Ordinal);
    }

    private sealed record Token(string Jwt, string Key, JsonElement Header, JsonElement Claims)
    {
        public static Token Parse(string headerValue)
        {
            const string Prefix = "vapid t=";
            Assert.StartsWith(Prefix, headerValue, StringComparison.Ordinal);
            string[] parts = headerValue[Prefix.Length..].Split(", k=");
            Assert.Equal(2, parts.Length);
            string[] segments = parts[0].Split('.');
            Assert.Equal(3, segments.Length);
            return new Token(parts[0], parts[1], Decode(segments[0]), Decode(segments[1]));
        }

        public bool VerifiesWith(string publicKey)
        {
            byte[] q = Base64Url.DecodeFromChars(publicKey);
            using var key = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = q[1..33], Y = q[33..] },
            });
            int lastDot = Jwt.LastIndexOf('.');
            byte[] signature = Base64Url.DecodeFromChars(Jwt.AsSpan(lastDot + 1));
            return signature.Length == 64
                && key.VerifyData(Encoding.ASCII.GetBytes(Jwt[..lastDot]), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        private static JsonElement Decode(string segment)
        {
            Assert.DoesNotContain('=', segment);
            using JsonDocument document = JsonDocument.Parse(Base64Url.DecodeFromChars(segment));
            return document.RootElement.Clone();
        }
    }
}
