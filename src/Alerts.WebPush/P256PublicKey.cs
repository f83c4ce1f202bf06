using System.Security.Cryptography;

namespace Alerts.WebPush;

/// <summary>Checks and imports uncompressed P-256 public points (a subscription's <c>p256dh</c>).</summary>
public static class P256PublicKey
{
    // 0x04 ‖ X(32) ‖ Y(32).
    internal const int Length = 65;

    private const int CoordinateLength = 32;

    // ECCurve.NamedCurves.nistP256 builds a new Oid on every call; one shared value is enough.
    internal static readonly ECCurve Curve = ECCurve.NamedCurves.nistP256;

    /// <summary>True when <paramref name="key"/> is 65 bytes, starts with 0x04 and is a point on P-256.</summary>
    /// <remarks>
    /// P-256 has cofactor 1, so a point on the curve is a valid public key (SP 800-56A section 5.6.2.3); OpenSSL
    /// checks that when it decodes the point (a few µs), where .NET's key import adds a full check costing
    /// about 100 µs, which decides how fast an audience import goes.
    /// </remarks>
    public static bool IsValid(ReadOnlySpan<byte> key)
    {
        if (!HasUncompressedShape(key))
        {
            return false;
        }

        if (KeyAgreement.OpenSslP256.IsAvailable)
        {
            return KeyAgreement.OpenSslP256.IsOnCurve(key);
        }

        try
        {
            // OpenSSL rejects coordinates out of range and points not on the curve at import.
            using ECDiffieHellman imported = ECDiffieHellman.Create(ToParameters(key));
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <exception cref="ArgumentException">The key is not a valid uncompressed P-256 point.</exception>
    internal static ECDiffieHellman ImportForKeyAgreement(ReadOnlySpan<byte> key, string paramName)
    {
        if (!HasUncompressedShape(key))
        {
            throw new ArgumentException(
                $"The public key must be {Length} bytes starting with 0x04 (uncompressed P-256 point); got {key.Length} bytes.",
                paramName);
        }

        try
        {
            return ECDiffieHellman.Create(ToParameters(key));
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException("The public key is not a point on the P-256 curve.", paramName, e);
        }
    }

    internal static ECParameters ToParameters(ReadOnlySpan<byte> key) => new()
    {
        Curve = Curve,
        Q = new ECPoint
        {
            X = key.Slice(1, CoordinateLength).ToArray(),
            Y = key.Slice(1 + CoordinateLength, CoordinateLength).ToArray(),
        },
    };

    /// <summary>Writes 0x04 ‖ X ‖ Y; coordinates shorter than 32 bytes are left-padded.</summary>
    internal static void WriteUncompressed(ECPoint point, Span<byte> destination)
    {
        if (point.X is null || point.Y is null || point.X.Length > CoordinateLength || point.Y.Length > CoordinateLength)
        {
            throw new ArgumentException("The key is not a P-256 key.");
        }

        destination = destination[..Length];
        destination.Clear();
        destination[0] = 0x04;
        point.X.CopyTo(destination.Slice(1 + CoordinateLength - point.X.Length));
        point.Y.CopyTo(destination.Slice(Length - point.Y.Length));
    }

    private static bool HasUncompressedShape(ReadOnlySpan<byte> key) => key.Length == Length && key[0] == 0x04;
}
