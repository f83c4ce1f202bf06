using System.Buffers.Binary;
using System.Security.Cryptography;
using Alerts.WebPush.KeyAgreement;

namespace Alerts.WebPush;

/// <summary>
/// RFC 8291 message encryption: the push body is one RFC 8188 aes128gcm record with the sender's
/// public key as key id.
/// </summary>
public static class PushMessageEncryptor
{
    /// <summary>Largest body push services must accept (RFC 8030 section 7.2).</summary>
    public const int MaxBodyBytes = 4096;

    /// <summary>Largest plaintext whose whole body, header included, stays within <see cref="MaxBodyBytes"/>.</summary>
    public const int MaxPlaintextBytes = MaxBodyBytes - HeaderBytes - DelimiterBytes - TagBytes;

    private const int SaltBytes = 16;
    private const int AuthSecretBytes = 16;
    private const int HeaderBytes = SaltBytes + sizeof(uint) + 1 + P256PublicKey.Length; // 86
    private const int DelimiterBytes = 1;
    private const int TagBytes = 16;
    private const int ContentKeyBytes = 16;
    private const int NonceBytes = 12;
    private const int Sha256Bytes = 32;
    private const int MinRecordSize = DelimiterBytes + TagBytes + 1; // RFC 8188: rs of 18 or more
    private const byte LastRecordDelimiter = 0x02;

    private static ReadOnlySpan<byte> KeyInfoPrefix => "WebPush: info\0"u8;
    private static ReadOnlySpan<byte> ContentKeyInfo => "Content-Encoding: aes128gcm\0"u8;
    private static ReadOnlySpan<byte> NonceInfo => "Content-Encoding: nonce\0"u8;

    /// <summary>Encrypts one message with a sender key pair of its own and a random salt.</summary>
    /// <param name="userAgentPublicKey">The subscription's <c>p256dh</c>: a 65-byte uncompressed P-256 point.</param>
    /// <param name="authSecret">The subscription's 16-byte <c>auth</c> secret.</param>
    /// <exception cref="ArgumentException">Plaintext too long, or a key or secret is malformed.</exception>
    /// <remarks>Many messages at once: <see cref="PushEncryptor"/> shares one sender key among them.</remarks>
    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> userAgentPublicKey, ReadOnlySpan<byte> authSecret)
    {
        using PushEncryptor encryptor = PushEncryptor.Create();
        return encryptor.Encrypt(plaintext, userAgentPublicKey, authSecret);
    }

    /// <summary>Deterministic encryption with a given sender key and salt (test vectors, reproducible checks).</summary>
    /// <exception cref="ArgumentException">Plaintext too long, record size too small, or a key, secret or salt is malformed.</exception>
    public static byte[] Encrypt(
        ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> userAgentPublicKey,
        ReadOnlySpan<byte> authSecret,
        ECDiffieHellman applicationServerKey,
        ReadOnlySpan<byte> salt,
        int recordSize = 4096)
    {
        ArgumentNullException.ThrowIfNull(applicationServerKey);
        if (applicationServerKey.KeySize != 256)
        {
            throw new ArgumentException("The application server key must be a P-256 key.", nameof(applicationServerKey));
        }

        ValidateSizes(plaintext, authSecret, recordSize);
        if (salt.Length != SaltBytes)
        {
            throw new ArgumentException($"The salt must be {SaltBytes} bytes; got {salt.Length}.", nameof(salt));
        }

        using var senderKey = new ManagedSenderKey(applicationServerKey, ownsKey: false);
        return EncryptCore(plaintext, userAgentPublicKey, authSecret, senderKey, salt, recordSize);
    }

    /// <summary>With a random salt: what <see cref="PushEncryptor"/> does for each message.</summary>
    internal static byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> userAgentPublicKey, ReadOnlySpan<byte> authSecret, SenderKey senderKey)
    {
        ValidateSizes(plaintext, authSecret, MaxBodyBytes);
        Span<byte> salt = stackalloc byte[SaltBytes];
        RandomNumberGenerator.Fill(salt);
        return EncryptCore(plaintext, userAgentPublicKey, authSecret, senderKey, salt, MaxBodyBytes);
    }

    internal static void ValidateSizes(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> authSecret, int recordSize)
    {
        if (plaintext.Length > MaxPlaintextBytes)
        {
            throw new ArgumentException(
                $"The plaintext is {plaintext.Length} bytes; at most {MaxPlaintextBytes} fit in a {MaxBodyBytes}-byte push body.",
                nameof(plaintext));
        }

        if (authSecret.Length != AuthSecretBytes)
        {
            throw new ArgumentException($"The auth secret must be {AuthSecretBytes} bytes; got {authSecret.Length}.", nameof(authSecret));
        }

        // Web Push sends exactly one record, so the record size must hold the whole message.
        if (recordSize < MinRecordSize || recordSize < plaintext.Length + DelimiterBytes + TagBytes)
        {
            throw new ArgumentException(
                $"The record size {recordSize} cannot hold a {plaintext.Length}-byte plaintext in one record.",
                nameof(recordSize));
        }
    }

    internal static byte[] EncryptCore(
        ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> userAgentPublicKey,
        ReadOnlySpan<byte> authSecret,
        SenderKey senderKey,
        ReadOnlySpan<byte> salt,
        int recordSize)
    {
        byte[] body = GC.AllocateUninitializedArray<byte>(HeaderBytes + plaintext.Length + DelimiterBytes + TagBytes);
        Span<byte> span = body;

        // Header (RFC 8188 section 2.1): salt ‖ rs ‖ idlen ‖ keyid, the key id being the sender's public key.
        salt.CopyTo(span);
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(SaltBytes), (uint)recordSize);
        span[SaltBytes + sizeof(uint)] = P256PublicKey.Length;
        Span<byte> senderPublicKey = span.Slice(HeaderBytes - P256PublicKey.Length, P256PublicKey.Length);
        senderKey.PublicKey.CopyTo(senderPublicKey);

        Span<byte> sharedSecret = stackalloc byte[SenderKey.SharedSecretBytes];
        senderKey.DeriveSharedSecret(userAgentPublicKey, sharedSecret);

        // RFC 8291 section 3.4, key_info = "WebPush: info" ‖ 0x00 ‖ ua_public ‖ as_public.
        Span<byte> keyInfo = stackalloc byte[KeyInfoPrefix.Length + 2 * P256PublicKey.Length];
        KeyInfoPrefix.CopyTo(keyInfo);
        userAgentPublicKey.CopyTo(keyInfo.Slice(KeyInfoPrefix.Length));
        senderPublicKey.CopyTo(keyInfo.Slice(KeyInfoPrefix.Length + P256PublicKey.Length));

        Span<byte> prk = stackalloc byte[Sha256Bytes];
        Span<byte> ikm = stackalloc byte[Sha256Bytes];
        Span<byte> contentKey = stackalloc byte[ContentKeyBytes];
        Span<byte> nonce = stackalloc byte[NonceBytes];
        try
        {
            // HKDF-SHA256 (RFC 5869), each output at most one hash long, so every step is a single HMAC:
            // Extract = HMAC(salt, ikm), Expand = first L bytes of HMAC(prk, info ‖ 0x01). One-shot HMACs
            // cost about half of what the general HKDF API does per call, and a push makes five of them.
            HMACSHA256.HashData(authSecret, sharedSecret, prk);
            ExpandOneBlock(prk, keyInfo, ikm);
            HMACSHA256.HashData(salt, ikm, prk);
            ExpandOneBlock(prk, ContentKeyInfo, contentKey);
            ExpandOneBlock(prk, NonceInfo, nonce);

            // Encrypt in place: plaintext ‖ 0x02 (last record, no padding), then the tag.
            Span<byte> record = span.Slice(HeaderBytes, plaintext.Length + DelimiterBytes);
            plaintext.CopyTo(record);
            record[^1] = LastRecordDelimiter;
            using var aes = new AesGcm(contentKey, TagBytes);
            aes.Encrypt(nonce, record, record, span.Slice(HeaderBytes + record.Length, TagBytes));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
            CryptographicOperations.ZeroMemory(prk);
            CryptographicOperations.ZeroMemory(ikm);
            CryptographicOperations.ZeroMemory(contentKey);
        }

        return body;
    }

    private static void ExpandOneBlock(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, Span<byte> output)
    {
        Span<byte> input = stackalloc byte[info.Length + 1];
        info.CopyTo(input);
        input[^1] = 0x01;
        Span<byte> block = stackalloc byte[Sha256Bytes];
        HMACSHA256.HashData(prk, input, block);
        block[..output.Length].CopyTo(output);
        CryptographicOperations.ZeroMemory(block);
    }
}
