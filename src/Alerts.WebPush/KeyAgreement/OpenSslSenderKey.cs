namespace Alerts.WebPush.KeyAgreement;

/// <summary>A sender key held in libcrypto: one on-curve check and one scalar multiplication per push.</summary>
internal sealed class OpenSslSenderKey : SenderKey
{
    private readonly nint _key;
    private readonly byte[] _publicKey = new byte[P256PublicKey.Length];
    private int _disposed;

    private OpenSslSenderKey(nint key)
    {
        _key = key;
        OpenSslP256.WritePublicKey(key, _publicKey);
    }

    ~OpenSslSenderKey() => Free();

    public static OpenSslSenderKey Create() => new(OpenSslP256.GenerateKey());

    /// <summary>For test vectors: the key with the given 32-byte private scalar.</summary>
    public static OpenSslSenderKey FromPrivateKey(ReadOnlySpan<byte> privateKey) => new(OpenSslP256.ImportPrivateKey(privateKey));

    public override ReadOnlySpan<byte> PublicKey => _publicKey;

    public override void DeriveSharedSecret(ReadOnlySpan<byte> userAgentPublicKey, Span<byte> sharedSecret)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (userAgentPublicKey.Length != P256PublicKey.Length || userAgentPublicKey[0] != 0x04)
        {
            throw new ArgumentException(
                $"The public key must be {P256PublicKey.Length} bytes starting with 0x04 (uncompressed P-256 point); got {userAgentPublicKey.Length} bytes.",
                nameof(userAgentPublicKey));
        }

        if (!OpenSslP256.TryDerive(_key, userAgentPublicKey, sharedSecret[..SharedSecretBytes]))
        {
            throw new ArgumentException("The public key is not a point on the P-256 curve.", nameof(userAgentPublicKey));
        }
    }

    public override void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            OpenSslP256.FreeKey(_key); // EC_KEY_free clears the private key
        }
    }
}
