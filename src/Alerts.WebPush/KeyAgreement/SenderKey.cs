namespace Alerts.WebPush.KeyAgreement;

/// <summary>
/// The application server's ephemeral P-256 key pair (RFC 8291 <c>as_private</c>/<c>as_public</c>) and the
/// one operation a push needs from it: the ECDH shared secret with a subscriber's public key.
/// Thread-safe: a batch's pushes are encrypted in parallel with one sender key.
/// </summary>
internal abstract class SenderKey : IDisposable
{
    public const int SharedSecretBytes = 32;

    /// <summary>0x04 ‖ X ‖ Y.</summary>
    public abstract ReadOnlySpan<byte> PublicKey { get; }

    /// <summary>Writes the 32-byte x-coordinate of the shared point.</summary>
    /// <exception cref="ArgumentException">The subscriber's key is not an uncompressed point on P-256.</exception>
    public abstract void DeriveSharedSecret(ReadOnlySpan<byte> userAgentPublicKey, Span<byte> sharedSecret);

    public abstract void Dispose();

    /// <summary>A fresh key pair: through libcrypto directly where it can be loaded, else through .NET's ECDiffieHellman.</summary>
    public static SenderKey Generate() => OpenSslP256.IsAvailable ? OpenSslSenderKey.Create() : ManagedSenderKey.Create();
}
