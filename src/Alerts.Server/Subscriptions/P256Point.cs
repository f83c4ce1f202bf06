using System.Numerics;

namespace Alerts.Subscriptions;

/// <summary>
/// Whether a <c>p256dh</c> is a point on P-256, by the curve equation: 0x04 ‖ X ‖ Y with X and Y below
/// p and y² = x³ − 3x + b (mod p). P-256 has cofactor 1, so this is the full public-key check of
/// SP 800-56A §5.6.2.3 (the uncompressed form cannot encode the point at infinity). It gives the same
/// answer as importing the key into OpenSSL in about 2 µs instead of about 190 µs, which decides how
/// fast an audience import goes; a push still imports the key with OpenSSL before using it.
/// </summary>
public static class P256Point
{
    public const int Length = 65;

    private static readonly BigInteger P = Parse("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
    private static readonly BigInteger B = Parse("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");

    public static bool IsOnCurve(ReadOnlySpan<byte> key)
    {
        if (key.Length != Length || key[0] != 0x04) return false;
        var x = new BigInteger(key.Slice(1, 32), isUnsigned: true, isBigEndian: true);
        var y = new BigInteger(key.Slice(33, 32), isUnsigned: true, isBigEndian: true);
        if (x >= P || y >= P) return false;
        var right = (BigInteger.ModPow(x, 3, P) - 3 * x + B) % P;
        if (right.Sign < 0) right += P;
        return BigInteger.ModPow(y, 2, P) == right;
    }

    private static BigInteger Parse(string hex) =>
        new(Convert.FromHexString(hex), isUnsigned: true, isBigEndian: true);
}
