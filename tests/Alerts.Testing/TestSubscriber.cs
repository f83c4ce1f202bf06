using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Alerts.Testing;

/// <summary>
/// Plays a browser's push subscription: owns the P-256 key pair and auth secret, and decrypts what
/// arrives. The RFC 8291 / RFC 8188 code here is written separately from Alerts.WebPush (HKDF by hand
/// with HMAC-SHA-256) so that each checks the other.
/// </summary>
public sealed class TestSubscriber
{
    private const int SaltLength = 16;
    private const int HeaderLengthBeforeKeyId = SaltLength + 4 + 1;
    private const int PublicKeyLength = 65;
    private const int AuthLength = 16;
    private const int TagLength = 16;

    private readonly byte[] _publicKey;
    private readonly byte[] _auth;

    private TestSubscriber(ECDiffieHellman privateKey, byte[] publicKey, byte[] auth)
    {
        PrivateKey = privateKey;
        _publicKey = publicKey;
        _auth = auth;
        P256dh = Base64Url.EncodeToString(publicKey);
        Auth = Base64Url.EncodeToString(auth);
    }

    public Guid Id { get; } = Guid.NewGuid();

    /// <summary>The subscription's <c>keys.p256dh</c>: base64url of the 65-byte uncompressed public point.</summary>
    public string P256dh { get; }

    /// <summary>The subscription's <c>keys.auth</c>: base64url of 16 random bytes.</summary>
    public string Auth { get; }

    /// <summary>The user agent's key pair (the private half never leaves the browser in real life).</summary>
    public ECDiffieHellman PrivateKey { get; }

    public static TestSubscriber Create()
    {
        var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        ECParameters parameters = key.ExportParameters(includePrivateParameters: false);
        return new TestSubscriber(key, EncodePoint(parameters.Q), RandomNumberGenerator.GetBytes(AuthLength));
    }

    /// <summary>A subscriber with given keys, e.g. the receiver in RFC 8291 Appendix A.</summary>
    public static TestSubscriber FromKeys(string privateKeyB64, string publicKeyB64, string authB64)
    {
        byte[] d = Base64Url.DecodeFromChars(privateKeyB64);
        byte[] q = Base64Url.DecodeFromChars(publicKeyB64);
        byte[] auth = Base64Url.DecodeFromChars(authB64);
        if (d.Length != 32 || q.Length != PublicKeyLength || q[0] != 0x04 || auth.Length != AuthLength)
        {
            throw new ArgumentException("Expected a 32-byte private key, a 65-byte uncompressed public key and a 16-byte auth secret.");
        }

        var key = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = d,
            Q = new ECPoint { X = q[1..33], Y = q[33..] },
        });
        return new TestSubscriber(key, q, auth);
    }

    /// <summary>Decrypts an aes128gcm push body as a browser would and returns the plaintext.</summary>
    /// <exception cref="PushDecryptionException">The body is malformed or does not decrypt with this subscriber's keys.</exception>
    public byte[] Decrypt(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (body.Length < HeaderLengthBeforeKeyId)
        {
            throw new PushDecryptionException($"Body of {body.Length} bytes is shorter than the 21-byte aes128gcm header.");
        }

        byte[] salt = body[..SaltLength];
        uint recordSize = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(SaltLength, 4));
        int idLength = body[SaltLength + 4];
        if (idLength != PublicKeyLength)
        {
            throw new PushDecryptionException($"Header idlen is {idLength}; RFC 8291 requires 65 (the sender's public key).");
        }

        int headerLength = HeaderLengthBeforeKeyId + idLength;
        if (body.Length < headerLength + TagLength + 1)
        {
            throw new PushDecryptionException($"Body of {body.Length} bytes has no room for a record after the {headerLength}-byte header.");
        }

        if (recordSize < 18)
        {
            throw new PushDecryptionException($"Record size {recordSize} is below the RFC 8188 minimum of 18.");
        }

        int recordLength = body.Length - headerLength;
        if (recordLength > recordSize)
        {
            throw new PushDecryptionException($"The {recordLength}-byte ciphertext is more than one {recordSize}-byte record; RFC 8291 allows one.");
        }

        byte[] senderPublicKey = body[HeaderLengthBeforeKeyId..headerLength];
        byte[] sharedSecret = DeriveSharedSecret(senderPublicKey);

        // RFC 8291 section 3.4.
        byte[] keyInfo = [.. "WebPush: info\0"u8, .. _publicKey, .. senderPublicKey];
        byte[] ikm = HkdfExpand(HkdfExtract(_auth, sharedSecret), keyInfo, 32);
        byte[] prk = HkdfExtract(salt, ikm);
        byte[] contentKey = HkdfExpand(prk, "Content-Encoding: aes128gcm\0"u8.ToArray(), 16);
        byte[] nonce = HkdfExpand(prk, "Content-Encoding: nonce\0"u8.ToArray(), 12); // record 0: XOR with 0

        byte[] padded = new byte[recordLength - TagLength];
        try
        {
            using var aes = new AesGcm(contentKey, TagLength);
            aes.Decrypt(nonce, body.AsSpan(headerLength, padded.Length), body.AsSpan(headerLength + padded.Length, TagLength), padded);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new PushDecryptionException("AES-GCM authentication failed: wrong keys, wrong auth secret or a corrupted body.", e);
        }

        // RFC 8188 section 2: data ‖ delimiter ‖ zero padding; the last record's delimiter is 0x02.
        int end = padded.Length - 1;
        while (end >= 0 && padded[end] == 0)
        {
            end--;
        }

        if (end < 0 || padded[end] != 0x02)
        {
            throw new PushDecryptionException(end < 0
                ? "Record holds only padding: the 0x02 delimiter is missing."
                : $"Record delimiter is 0x{padded[end]:x2}; the last (only) record must end with 0x02.");
        }

        return padded[..end];
    }

    /// <summary>Decrypts and reads the plaintext as UTF-8.</summary>
    public string DecryptToString(byte[] body) => Encoding.UTF8.GetString(Decrypt(body));

    public override string ToString() => $"TestSubscriber {Id}";

    private byte[] DeriveSharedSecret(byte[] senderPublicKey)
    {
        if (senderPublicKey[0] != 0x04)
        {
            throw new PushDecryptionException("The key id is not an uncompressed P-256 point (0x04 prefix).");
        }

        try
        {
            using var sender = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = senderPublicKey[1..33], Y = senderPublicKey[33..] },
            });
            using ECDiffieHellmanPublicKey senderPublic = sender.PublicKey;
            return PrivateKey.DeriveRawSecretAgreement(senderPublic);
        }
        catch (CryptographicException e)
        {
            throw new PushDecryptionException("The sender's public key in the header is not a P-256 point.", e);
        }
    }

    private static byte[] HkdfExtract(byte[] salt, byte[] inputKeyMaterial) => HMACSHA256.HashData(salt, inputKeyMaterial);

    // RFC 5869 section 2.3: T(i) = HMAC(PRK, T(i-1) ‖ info ‖ i); every length used here fits in T(1).
    private static byte[] HkdfExpand(byte[] prk, byte[] info, int length)
    {
        byte[] infoAndCounter = [.. info, 0x01];
        byte[] t1 = HMACSHA256.HashData(prk, infoAndCounter);
        return t1[..length];
    }

    private static byte[] EncodePoint(ECPoint q)
    {
        byte[] point = new byte[PublicKeyLength];
        point[0] = 0x04;
        q.X!.CopyTo(point, 1 + 32 - q.X!.Length);
        q.Y!.CopyTo(point, PublicKeyLength - q.Y!.Length);
        return point;
    }
}
