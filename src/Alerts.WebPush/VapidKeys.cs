using System.Buffers.Text;
using System.Security.Cryptography;

namespace Alerts.WebPush;

/// <summary>
/// A VAPID (RFC 8292) key pair as base64url: the 65-byte uncompressed P-256 public point (the
/// browser's <c>applicationServerKey</c>) and the 32-byte private scalar.
/// </summary>
public sealed class VapidKeys : IEquatable<VapidKeys>
{
    private const int PrivateKeyLength = 32;

    private VapidKeys(string publicKey, string privateKey)
    {
        PublicKey = publicKey;
        PrivateKey = privateKey;
    }

    /// <summary>Base64url (no padding) of the 65-byte uncompressed public point.</summary>
    public string PublicKey { get; }

    /// <summary>Base64url (no padding) of the 32-byte private scalar. Keep it out of logs.</summary>
    public string PrivateKey { get; }

    /// <summary>A new random key pair.</summary>
    public static VapidKeys Generate()
    {
        using ECDsa key = ECDsa.Create(P256PublicKey.Curve);
        ECParameters parameters = key.ExportParameters(includePrivateParameters: true);
        try
        {
            return FromParameters(parameters);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
        }
    }

    /// <summary>Reads a configured key pair, checking that the public key belongs to the private key.</summary>
    /// <exception cref="ArgumentException">A key is malformed or the two keys do not match. The message never contains the private key.</exception>
    public static VapidKeys FromBase64Url(string publicKey, string privateKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(publicKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(privateKey);

        byte[] publicBytes = Decode(publicKey, nameof(publicKey), "public");
        if (publicBytes.Length != P256PublicKey.Length || publicBytes[0] != 0x04)
        {
            throw new ArgumentException(
                $"The VAPID public key must be a {P256PublicKey.Length}-byte uncompressed P-256 point (starting with 0x04); it decodes to {publicBytes.Length} bytes.",
                nameof(publicKey));
        }

        byte[] privateBytes = Decode(privateKey, nameof(privateKey), "private");
        try
        {
            if (privateBytes.Length != PrivateKeyLength)
            {
                throw new ArgumentException(
                    $"The VAPID private key must be a {PrivateKeyLength}-byte P-256 scalar; it decodes to {privateBytes.Length} bytes.",
                    nameof(privateKey));
            }

            // Import the scalar alone so the library derives the public point, then compare.
            ECParameters derived;
            try
            {
                using ECDsa key = ECDsa.Create(new ECParameters { Curve = P256PublicKey.Curve, D = privateBytes });
                derived = key.ExportParameters(includePrivateParameters: true);
            }
            catch (CryptographicException)
            {
                throw new ArgumentException("The VAPID private key is not a valid P-256 private scalar.", nameof(privateKey));
            }

            try
            {
                Span<byte> derivedPublic = stackalloc byte[P256PublicKey.Length];
                P256PublicKey.WriteUncompressed(derived.Q, derivedPublic);
                if (!derivedPublic.SequenceEqual(publicBytes))
                {
                    throw new ArgumentException(
                        "The VAPID public key does not belong to the VAPID private key; configure both from the same key pair.",
                        nameof(publicKey));
                }

                return FromParameters(derived);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(derived.D);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateBytes);
        }
    }

    /// <summary>An ES256 signing key for this pair; the caller disposes it.</summary>
    internal ECDsa CreateSigningKey()
    {
        byte[] d = Base64Url.DecodeFromChars(PrivateKey);
        byte[] q = Base64Url.DecodeFromChars(PublicKey);
        try
        {
            ECParameters parameters = P256PublicKey.ToParameters(q);
            parameters.D = d;
            return ECDsa.Create(parameters);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }

    public bool Equals(VapidKeys? other) =>
        other is not null && PublicKey == other.PublicKey && PrivateKey == other.PrivateKey;

    public override bool Equals(object? obj) => Equals(obj as VapidKeys);

    public override int GetHashCode() => PublicKey.GetHashCode(StringComparison.Ordinal);

    /// <summary>Shows the public key only.</summary>
    public override string ToString() => $"VapidKeys {{ PublicKey = {PublicKey}, PrivateKey = (hidden) }}";

    private static VapidKeys FromParameters(ECParameters parameters)
    {
        Span<byte> publicKey = stackalloc byte[P256PublicKey.Length];
        P256PublicKey.WriteUncompressed(parameters.Q, publicKey);

        // Scalars with leading zero bytes may come back shorter than 32 bytes.
        byte[] d = parameters.D ?? throw new ArgumentException("The key has no private part.");
        if (d.Length > PrivateKeyLength)
        {
            throw new ArgumentException("The key is not a P-256 key.");
        }

        Span<byte> privateKey = stackalloc byte[PrivateKeyLength];
        privateKey.Clear();
        d.CopyTo(privateKey.Slice(PrivateKeyLength - d.Length));
        string privateText = Base64Url.EncodeToString(privateKey);
        CryptographicOperations.ZeroMemory(privateKey);
        return new VapidKeys(Base64Url.EncodeToString(publicKey), privateText);
    }

    private static byte[] Decode(string text, string paramName, string which)
    {
        try
        {
            return Base64Url.DecodeFromChars(text.Trim());
        }
        catch (FormatException)
        {
            // No inner exception and no echo of the text: it may be the private key.
            throw new ArgumentException($"The VAPID {which} key is not valid base64url.", paramName);
        }
    }
}
