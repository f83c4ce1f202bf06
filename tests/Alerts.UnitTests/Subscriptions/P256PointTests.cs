using System.Security.Cryptography;
using Alerts.Subscriptions;
using Alerts.Testing;
using Alerts.WebPush;

namespace Alerts.UnitTests.Subscriptions;

/// <summary>The curve-equation check must answer as OpenSSL's import does (P256PublicKey.IsValid).</summary>
public sealed class P256PointTests
{
    private static readonly byte[] P = Convert.FromHexString("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");

    [Fact]
    public void Real_keys_pass_and_altered_ones_fail_as_with_openssl()
    {
        for (var i = 0; i < 50; i++)
        {
            var key = System.Buffers.Text.Base64Url.DecodeFromChars(TestSubscriber.Create().P256dh);
            Assert.True(P256Point.IsOnCurve(key));
            Assert.True(P256PublicKey.IsValid(key));

            var altered = key.ToArray();
            altered[1 + RandomNumberGenerator.GetInt32(64)] ^= (byte)(1 << RandomNumberGenerator.GetInt32(8));
            Assert.Equal(P256PublicKey.IsValid(altered), P256Point.IsOnCurve(altered));
            Assert.False(P256Point.IsOnCurve(altered));
        }
    }

    [Fact]
    public void Wrong_shapes_and_coordinates_out_of_range_fail()
    {
        var key = System.Buffers.Text.Base64Url.DecodeFromChars(TestSubscriber.Create().P256dh);
        var compressed = key.ToArray();
        compressed[0] = 0x02;
        byte[] xIsP = [0x04, .. P, .. key[33..]];
        byte[] zero = [0x04, .. new byte[64]];

        Assert.False(P256Point.IsOnCurve(key[..64]));
        Assert.False(P256Point.IsOnCurve(compressed));
        Assert.False(P256Point.IsOnCurve(xIsP));
        Assert.False(P256Point.IsOnCurve(zero));
        Assert.False(P256PublicKey.IsValid(xIsP));
        Assert.False(P256PublicKey.IsValid(zero));
    }
}
