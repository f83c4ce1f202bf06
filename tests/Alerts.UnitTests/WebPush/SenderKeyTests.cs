using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Alerts.Testing;
using Alerts.WebPush;
using Alerts.WebPush.KeyAgreement;

namespace Alerts.UnitTests.WebPush;

/// <summary>The libcrypto key agreement used on Linux gives what .NET's ECDiffieHellman gives, and refuses what it refuses.</summary>
public sealed class SenderKeyTests
{
    // RFC 8291 Appendix A (the same vector as WebPushEncryptionTests).
    private const string ReceiverPublicKey = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    private const string AuthSecret = "BTBZMqHH6r4Tts7J_aSIgg";
    private const string SenderPrivateKey = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    private const string SenderPublicKey = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    private const string Salt = "DGv6ra1nlYgDCS1FRnbzlw";
    private const string Body =
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

    [Fact]
    public void Libcrypto_is_used_on_linux()
    {
        Assert.Equal(OperatingSystem.IsLinux(), OpenSslP256.IsAvailable);
    }

    [Fact]
    public void Libcrypto_sender_key_encrypts_the_rfc8291_vector_to_the_published_body()
    {
        if (!OpenSslP256.IsAvailable) return; // nothing to compare on platforms without libcrypto.so.3
        using var sender = OpenSslSenderKey.FromPrivateKey(Base64Url.DecodeFromChars(SenderPrivateKey));
        Assert.Equal(SenderPublicKey, Base64Url.EncodeToString(sender.PublicKey));

        byte[] body = PushMessageEncryptor.EncryptCore(
            "When I grow up, I want to be a watermelon"u8, Base64Url.DecodeFromChars(ReceiverPublicKey), Base64Url.DecodeFromChars(AuthSecret),
            sender, Base64Url.DecodeFromChars(Salt), recordSize: 4096);

        Assert.Equal(Body, Base64Url.EncodeToString(body));
    }

    [Fact]
    public void Libcrypto_and_dotnet_agree_on_the_shared_secret_for_the_same_private_key()
    {
        if (!OpenSslP256.IsAvailable) return;
        byte[] privateKey = Base64Url.DecodeFromChars(SenderPrivateKey);
        privateKey[^1] ^= 0x5A; // any scalar below the group order: not the vector's
        using var dotnet = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = privateKey });
        using var managed = new ManagedSenderKey(dotnet, ownsKey: false);
        using var native = OpenSslSenderKey.FromPrivateKey(privateKey);
        Assert.True(managed.PublicKey.SequenceEqual(native.PublicKey), "the same public point");

        for (var i = 0; i < 20; i++)
        {
            byte[] reader = Base64Url.DecodeFromChars(TestSubscriber.Create().P256dh);
            Assert.Equal(Derive(managed, reader), Derive(native, reader));
        }
    }

    [Theory]
    [InlineData("a point off the curve")]
    [InlineData("a coordinate past the field prime")]
    [InlineData("a compressed point")]
    public void A_reader_key_that_is_not_a_point_on_the_curve_is_refused_by_both(string what)
    {
        byte[] key = Base64Url.DecodeFromChars(ReceiverPublicKey);
        switch (what)
        {
            case "a point off the curve": key[64] ^= 0x01; break;
            case "a coordinate past the field prime": key.AsSpan(1, 32).Fill(0xFF); break;
            default: key = key[..33]; key[0] = 0x02; break;
        }

        using SenderKey managed = ManagedSenderKey.Create();
        Assert.Throws<ArgumentException>(() => Derive(managed, key));
        if (!OpenSslP256.IsAvailable) return;
        using SenderKey native = OpenSslSenderKey.Create();
        Assert.Throws<ArgumentException>(() => Derive(native, key));
        // The thread's OpenSSL error queue is left clean: .NET's own crypto still works here.
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.True(ecdsa.VerifyData("x"u8, ecdsa.SignData("x"u8, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
    }

    [Fact]
    public void Messages_of_one_encryptor_share_the_key_id_but_never_the_salt_and_each_decrypts()
    {
        TestSubscriber reader = TestSubscriber.Create();
        byte[] p256dh = Base64Url.DecodeFromChars(reader.P256dh);
        byte[] auth = Base64Url.DecodeFromChars(reader.Auth);
        using var encryptor = PushEncryptor.Create();

        byte[] first = encryptor.Encrypt("same"u8, p256dh, auth);
        byte[] second = encryptor.Encrypt("same"u8, p256dh, auth);

        Assert.True(first.AsSpan(21, 65).SequenceEqual(second.AsSpan(21, 65)), "one sender key per encryptor");
        Assert.False(first.AsSpan(0, 16).SequenceEqual(second.AsSpan(0, 16)), "a fresh salt per message");
        Assert.NotEqual(first, second);
        Assert.Equal("same", Encoding.UTF8.GetString(reader.Decrypt(first)));
        Assert.Equal("same", Encoding.UTF8.GetString(reader.Decrypt(second)));
    }

    private static byte[] Derive(SenderKey key, byte[] reader)
    {
        byte[] secret = new byte[32];
        key.DeriveSharedSecret(reader, secret);
        return secret;
    }
}
