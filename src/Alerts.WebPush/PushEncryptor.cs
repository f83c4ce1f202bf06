using Alerts.WebPush.KeyAgreement;

namespace Alerts.WebPush;

/// <summary>
/// Encrypts many push messages (RFC 8291) with one sender key pair and a fresh random salt per message.
/// Thread-safe; dispose only after the last <see cref="Encrypt"/> has returned.
/// </summary>
/// <remarks>
/// RFC 8291 has a new sender key pair per message. Generating one costs about as much as the key agreement
/// itself, so one pair serves a batch of messages of the same alert instead, and is discarded with it. This
/// keeps what a per-message pair gives: the content key and nonce come from HKDF over a salt that is new for
/// every message, so no two messages share them, even to the same reader; the subscriber's key is checked to be
/// on the curve before every agreement (no invalid-curve leak of the private key); and the push service already
/// sees which messages come from one application server (the VAPID key), so a shared key id tells it nothing new.
/// </remarks>
public sealed class PushEncryptor : IDisposable
{
    private readonly SenderKey _senderKey;

    private PushEncryptor(SenderKey senderKey) => _senderKey = senderKey;

    /// <summary>With a newly generated sender key pair.</summary>
    public static PushEncryptor Create() => new(SenderKey.Generate());

    /// <summary>The sender's public key, the key id of every message this encryptor writes.</summary>
    public ReadOnlySpan<byte> PublicKey => _senderKey.PublicKey;

    /// <param name="userAgentPublicKey">The subscription's <c>p256dh</c>: a 65-byte uncompressed P-256 point.</param>
    /// <param name="authSecret">The subscription's 16-byte <c>auth</c> secret.</param>
    /// <exception cref="ArgumentException">Plaintext too long, or a key or secret is malformed.</exception>
    public byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> userAgentPublicKey, ReadOnlySpan<byte> authSecret) =>
        PushMessageEncryptor.Encrypt(plaintext, userAgentPublicKey, authSecret, _senderKey);

    public void Dispose() => _senderKey.Dispose();
}
