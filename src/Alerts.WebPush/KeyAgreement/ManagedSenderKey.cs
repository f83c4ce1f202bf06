using System.Security.Cryptography;

namespace Alerts.WebPush.KeyAgreement;

/// <summary>
/// The portable sender key: .NET's ECDiffieHellman. It re-validates the subscriber's key on import and again on
/// every derivation (a full scalar multiplication each time), which is why <see cref="OpenSslSenderKey"/> exists.
/// </summary>
internal sealed class ManagedSenderKey : SenderKey
{
    private readonly ECDiffieHellman _key;
    private readonly bool _ownsKey;
    private readonly byte[] _publicKey = new byte[P256PublicKey.Length];

    public ManagedSenderKey(ECDiffieHellman key, bool ownsKey)
    {
        _key = key;
        _ownsKey = ownsKey;
        P256PublicKey.WriteUncompressed(key.ExportParameters(includePrivateParameters: false).Q, _publicKey);
    }

    public static ManagedSenderKey Create() => new(ECDiffieHellman.Create(P256PublicKey.Curve), ownsKey: true);

    public override ReadOnlySpan<byte> PublicKey => _publicKey;

    public override void DeriveSharedSecret(ReadOnlySpan<byte> userAgentPublicKey, Span<byte> sharedSecret)
    {
        using ECDiffieHellman userAgentKey = P256PublicKey.ImportForKeyAgreement(userAgentPublicKey, nameof(userAgentPublicKey));
        using ECDiffieHellmanPublicKey userAgentPublic = userAgentKey.PublicKey;
        byte[] secret = _key.DeriveRawSecretAgreement(userAgentPublic);
        try
        {
            secret.CopyTo(sharedSecret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    public override void Dispose()
    {
        if (_ownsKey)
        {
            _key.Dispose();
        }
    }
}
