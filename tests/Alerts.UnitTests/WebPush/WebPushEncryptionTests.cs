using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Alerts.Testing;
using Alerts.WebPush;

namespace Alerts.UnitTests.WebPush;

public sealed class WebPushEncryptionTests
{
    // RFC 8291 Appendix A.
    private const string Plaintext = "When I grow up, I want to be a watermelon";
    private const string ReceiverPrivateKey = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
    private const string ReceiverPublicKey = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    private const string AuthSecret = "BTBZMqHH6r4Tts7J_aSIgg";
    private const string SenderPrivateKey = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    private const string SenderPublicKey = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    private const string Salt = "DGv6ra1nlYgDCS1FRnbzlw";
    private const string Body =
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

    [Fact]
    public void Rfc8291_appendix_A_vector_encrypts_to_the_published_body()
    {
        using ECDiffieHellman sender = ImportKeyPair(SenderPrivateKey, SenderPublicKey);

        byte[] body = PushMessageEncryptor.Encrypt(
            Encoding.UTF8.GetBytes(Plaintext),
            Base64Url.DecodeFromChars(ReceiverPublicKey),
            Base64Url.DecodeFromChars(AuthSecret),
            sender,
            Base64Url.DecodeFromChars(Salt),
            recordSize: 4096);

        Assert.Equal(Body, Base64Url.EncodeToString(body));
    }

    [Fact]
    public void Rfc8291_appendix_A_body_decrypts_to_the_published_plaintext()
    {
        TestSubscriber receiver = TestSubscriber.FromKeys(ReceiverPrivateKey, ReceiverPublicKey, AuthSecret);

        byte[] plaintext = receiver.Decrypt(Base64Url.DecodeFromChars(Body));

        Assert.Equal(Plaintext, Encoding.UTF8.GetString(plaintext));
    }

    [Fact]
    public void Encrypted_message_round_trips_through_an_independent_decryptor()
    {
        TestSubscriber subscriber = TestSubscriber.Create();
        byte[] plaintext = Encoding.UTF8.GetBytes("""{"id":"n-1","kind":"breaking","title":"Élection : résultats","url":"https://news.example/a"}""");

        byte[] body = PushMessageEncryptor.Encrypt(plaintext, Base64Url.DecodeFromChars(subscriber.P256dh), Base64Url.DecodeFromChars(subscriber.Auth));

        Assert.Equal(plaintext, subscriber.Decrypt(body));
    }

    [Fact]
    public void Body_header_carries_salt_record_size_4096_and_the_sender_key()
    {
        TestSubscriber subscriber = TestSubscriber.Create();

        byte[] body = PushMessageEncryptor.Encrypt("hi"u8, Base64Url.DecodeFromChars(subscriber.P256dh), Base64Url.DecodeFromChars(subscriber.Auth));

        Assert.Equal(86 + 2 + 1 + 16, body.Length);
        Assert.Equal(4096u, BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(16, 4)));
        Assert.Equal(65, body[20]);
        Assert.True(P256PublicKey.IsValid(body.AsSpan(21, 65)), "the key id must be the sender's uncompressed public point");
    }

    [Fact]
    public void Each_encryption_uses_a_fresh_salt_and_sender_key()
    {
        TestSubscriber subscriber = TestSubscriber.Create();
        byte[] p256dh = Base64Url.DecodeFromChars(subscriber.P256dh);
        byte[] auth = Base64Url.DecodeFromChars(subscriber.Auth);

        byte[] first = PushMessageEncryptor.Encrypt("same"u8, p256dh, auth);
        byte[] second = PushMessageEncryptor.Encrypt("same"u8, p256dh, auth);

        Assert.False(first.AsSpan(0, 16).SequenceEqual(second.AsSpan(0, 16)), "salts must differ");
        Assert.False(first.AsSpan(21, 65).SequenceEqual(second.AsSpan(21, 65)), "sender keys must differ");
    }

    [Fact]
    public void Largest_allowed_plaintext_gives_a_body_of_at_most_4096_bytes()
    {
        TestSubscriber subscriber = TestSubscriber.Create();
        byte[] plaintext = RandomNumberGenerator.GetBytes(PushMessageEncryptor.MaxPlaintextBytes);

        byte[] body = PushMessageEncryptor.Encrypt(plaintext, Base64Url.DecodeFromChars(subscriber.P256dh), Base64Url.DecodeFromChars(subscriber.Auth));

        Assert.Equal(3993, PushMessageEncryptor.MaxPlaintextBytes);
        Assert.True(body.Length <= PushMessageEncryptor.MaxBodyBytes, $"body is {body.Length} bytes");
        Assert.Equal(plaintext, subscriber.Decrypt(body));
    }

    [Fact]
    public void Plaintext_one_byte_over_the_limit_is_refused()
    {
        TestSubscriber subscriber = TestSubscriber.Create();
        byte[] plaintext = new byte[PushMessageEncryptor.MaxPlaintextBytes + 1];

        var error = Assert.Throws<ArgumentException>(() =>
            PushMessageEncryptor.Encrypt(plaintext, Base64Url.DecodeFromChars(subscriber.P256dh), Base64Url.DecodeFromChars(subscriber.Auth)));

        Assert.Equal("plaintext", error.ParamName);
    }

    [Fact]
    public void Subscriber_key_on_the_curve_is_valid()
    {
        Assert.True(P256PublicKey.IsValid(Base64Url.DecodeFromChars(ReceiverPublicKey)));
        Assert.True(P256PublicKey.IsValid(Base64Url.DecodeFromChars(TestSubscriber.Create().P256dh)));
    }

    [Fact]
    public void Point_off_the_curve_is_an_invalid_p256dh()
    {
        byte[] offCurve = Base64Url.DecodeFromChars(ReceiverPublicKey);
        offCurve[^1] ^= 0x01;

        Assert.False(P256PublicKey.IsValid(offCurve));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(33)]
    [InlineData(66)]
    [InlineData(0)]
    public void P256dh_of_the_wrong_length_is_invalid(int length)
    {
        byte[] key = new byte[length];
        Base64Url.DecodeFromChars(ReceiverPublicKey).AsSpan(0, Math.Min(length, 65)).CopyTo(key);

        Assert.False(P256PublicKey.IsValid(key));
    }

    [Fact]
    public void Compressed_or_unprefixed_point_is_an_invalid_p256dh()
    {
        byte[] key = Base64Url.DecodeFromChars(ReceiverPublicKey);
        key[0] = 0x03;

        Assert.False(P256PublicKey.IsValid(key));
    }

    [Fact]
    public void Coordinate_beyond_the_field_prime_is_an_invalid_p256dh()
    {
        byte[] key = new byte[65];
        key[0] = 0x04;
        key.AsSpan(1).Fill(0xFF);

        Assert.False(P256PublicKey.IsValid(key));
    }

    [Fact]
    public void Encrypting_to_an_off_curve_key_throws_an_argument_exception()
    {
        byte[] offCurve = Base64Url.DecodeFromChars(ReceiverPublicKey);
        offCurve[^1] ^= 0x01;

        Assert.Throws<ArgumentException>(() => PushMessageEncryptor.Encrypt("x"u8, offCurve, new byte[16]));
    }

    [Fact]
    public void Auth_secret_must_be_16_bytes()
    {
        byte[] p256dh = Base64Url.DecodeFromChars(ReceiverPublicKey);

        var error = Assert.Throws<ArgumentException>(() => PushMessageEncryptor.Encrypt("x"u8, p256dh, new byte[15]));

        Assert.Equal("authSecret", error.ParamName);
    }

    [Fact]
    public void Body_encrypted_for_another_auth_secret_does_not_decrypt()
    {
        TestSubscriber subscriber = TestSubscriber.Create();

        byte[] body = PushMessageEncryptor.Encrypt("secret"u8, Base64Url.DecodeFromChars(subscriber.P256dh), RandomNumberGenerator.GetBytes(16));

        Assert.Throws<PushDecryptionException>(() => subscriber.Decrypt(body));
    }

    private static ECDiffieHellman ImportKeyPair(string privateKey, string publicKey)
    {
        byte[] q = Base64Url.DecodeFromChars(publicKey);
        return ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = Base64Url.DecodeFromChars(privateKey),
            Q = new ECPoint { X = q[1..33], Y = q[33..] },
        });
    }
}
