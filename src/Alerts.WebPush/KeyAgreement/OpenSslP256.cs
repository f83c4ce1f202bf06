using System.Runtime.InteropServices;

namespace Alerts.WebPush.KeyAgreement;

/// <summary>
/// The few libcrypto (OpenSSL 3) functions a P-256 key agreement needs, bound once at start.
/// </summary>
/// <remarks>
/// Why call OpenSSL directly when .NET's ECDiffieHellman wraps the same library: .NET imports the subscriber's
/// key with a full public-key check and checks it again on every derivation, each check including a scalar
/// multiplication by the group order in OpenSSL's generic big-number code. That costs two to three times the key
/// agreement itself. P-256 has cofactor 1, so a point that decodes onto the curve (EC_POINT_oct2point checks it)
/// is already in the prime-order group: the on-curve check is the whole validation needed against
/// invalid-curve attacks, and it is kept for every push. Where libcrypto.so.3 cannot be loaded (Windows, macOS)
/// <see cref="ManagedSenderKey"/> is used instead.
/// </remarks>
internal static unsafe class OpenSslP256
{
    public const int PrivateKeyBytes = 32;

    private const int NidPrime256V1 = 415;
    private const int PointConversionUncompressed = 4;

    private static readonly Functions? Native = Bind();

    public static bool IsAvailable => Native is not null;

    private static Functions Api => Native ?? throw new PlatformNotSupportedException("libcrypto.so.3 could not be loaded.");

    /// <summary>A new EC_KEY on P-256 with a random private key.</summary>
    public static nint GenerateKey()
    {
        nint key = Api.EcKeyNewByCurveName(NidPrime256V1);
        if (key == 0)
        {
            throw Failure("EC_KEY_new_by_curve_name");
        }

        if (Api.EcKeyGenerateKey(key) != 1)
        {
            Api.EcKeyFree(key);
            throw Failure("EC_KEY_generate_key");
        }

        return key;
    }

    /// <summary>An EC_KEY from a known private scalar (test vectors).</summary>
    public static nint ImportPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        nint key = Api.EcKeyNewByCurveName(NidPrime256V1);
        nint scalar = 0;
        nint point = 0;
        try
        {
            if (key == 0)
            {
                throw Failure("EC_KEY_new_by_curve_name");
            }

            nint group = Api.EcKeyGet0Group(key);
            fixed (byte* d = privateKey)
            {
                scalar = Api.BnBin2Bn(d, privateKey.Length, 0);
            }

            point = Api.EcPointNew(group);
            if (scalar == 0 || point == 0
                || Api.EcKeySetPrivateKey(key, scalar) != 1
                || Api.EcPointMul(group, point, scalar, 0, 0, 0) != 1
                || Api.EcKeySetPublicKey(key, point) != 1)
            {
                throw Failure("importing the private key");
            }

            nint imported = key;
            key = 0;
            return imported;
        }
        finally
        {
            if (point != 0) Api.EcPointFree(point);
            if (scalar != 0) Api.BnClearFree(scalar);
            if (key != 0) Api.EcKeyFree(key);
        }
    }

    public static void WritePublicKey(nint key, Span<byte> destination)
    {
        nint group = Api.EcKeyGet0Group(key);
        fixed (byte* buffer = destination)
        {
            if (Api.EcPointPoint2Oct(group, Api.EcKeyGet0PublicKey(key), PointConversionUncompressed, buffer, (nuint)destination.Length, 0)
                != (nuint)P256PublicKey.Length)
            {
                throw Failure("EC_POINT_point2oct");
            }
        }
    }

    /// <returns>False when <paramref name="peerPublicKey"/> is not a point on the curve.</returns>
    public static bool TryDerive(nint key, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        nint peer = DecodePoint(Api.EcKeyGet0Group(key), peerPublicKey);
        if (peer == 0)
        {
            return false;
        }

        try
        {
            fixed (byte* secret = sharedSecret)
            {
                if (Api.EcdhComputeKey(secret, (nuint)sharedSecret.Length, peer, key, 0) != sharedSecret.Length)
                {
                    throw Failure("ECDH_compute_key");
                }
            }

            return true;
        }
        finally
        {
            Api.EcPointFree(peer);
        }
    }

    public static void FreeKey(nint key) => Api.EcKeyFree(key);

    /// <summary>True when <paramref name="encoded"/> decodes to a point on P-256 (a few µs; no key object is built).</summary>
    public static bool IsOnCurve(ReadOnlySpan<byte> encoded)
    {
        nint point = DecodePoint(Api.Group, encoded);
        Api.EcPointFree(point); // EC_POINT_free ignores null
        return point != 0;
    }

    /// <summary>A new EC_POINT for <paramref name="encoded"/> (free it), or 0 when it is not a point on the curve.</summary>
    private static nint DecodePoint(nint group, ReadOnlySpan<byte> encoded)
    {
        nint point = Api.EcPointNew(group);
        if (point == 0)
        {
            throw Failure("EC_POINT_new");
        }

        fixed (byte* bytes = encoded)
        {
            if (Api.EcPointOct2Point(group, point, bytes, (nuint)encoded.Length, 0) == 1)
            {
                return point;
            }
        }

        Api.EcPointFree(point);
        Api.ErrClearError();
        return 0;
    }

    private static System.Security.Cryptography.CryptographicException Failure(string function)
    {
        Api.ErrClearError(); // leave no error behind for .NET's own OpenSSL calls on this thread
        return new System.Security.Cryptography.CryptographicException($"OpenSSL {function} failed.");
    }

    private static Functions? Bind()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libcrypto.so.3", out nint library))
        {
            return null;
        }

        try
        {
            var functions = new Functions(library);
            return functions.Group == 0 ? null : functions;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    private sealed class Functions(nint library)
    {
        public readonly delegate* unmanaged<int, nint> EcKeyNewByCurveName = (delegate* unmanaged<int, nint>)Export(library, "EC_KEY_new_by_curve_name");
        public readonly delegate* unmanaged<nint, int> EcKeyGenerateKey = (delegate* unmanaged<nint, int>)Export(library, "EC_KEY_generate_key");
        public readonly delegate* unmanaged<nint, void> EcKeyFree = (delegate* unmanaged<nint, void>)Export(library, "EC_KEY_free");
        public readonly delegate* unmanaged<nint, nint> EcKeyGet0Group = (delegate* unmanaged<nint, nint>)Export(library, "EC_KEY_get0_group");
        public readonly delegate* unmanaged<nint, nint> EcKeyGet0PublicKey = (delegate* unmanaged<nint, nint>)Export(library, "EC_KEY_get0_public_key");
        public readonly delegate* unmanaged<nint, nint, int> EcKeySetPrivateKey = (delegate* unmanaged<nint, nint, int>)Export(library, "EC_KEY_set_private_key");
        public readonly delegate* unmanaged<nint, nint, int> EcKeySetPublicKey = (delegate* unmanaged<nint, nint, int>)Export(library, "EC_KEY_set_public_key");
        public readonly delegate* unmanaged<nint, nint> EcPointNew = (delegate* unmanaged<nint, nint>)Export(library, "EC_POINT_new");
        public readonly delegate* unmanaged<nint, void> EcPointFree = (delegate* unmanaged<nint, void>)Export(library, "EC_POINT_free");
        public readonly delegate* unmanaged<nint, nint, byte*, nuint, nint, int> EcPointOct2Point = (delegate* unmanaged<nint, nint, byte*, nuint, nint, int>)Export(library, "EC_POINT_oct2point");
        public readonly delegate* unmanaged<nint, nint, int, byte*, nuint, nint, nuint> EcPointPoint2Oct = (delegate* unmanaged<nint, nint, int, byte*, nuint, nint, nuint>)Export(library, "EC_POINT_point2oct");
        public readonly delegate* unmanaged<nint, nint, nint, nint, nint, nint, int> EcPointMul = (delegate* unmanaged<nint, nint, nint, nint, nint, nint, int>)Export(library, "EC_POINT_mul");
        public readonly delegate* unmanaged<byte*, nuint, nint, nint, nint, int> EcdhComputeKey = (delegate* unmanaged<byte*, nuint, nint, nint, nint, int>)Export(library, "ECDH_compute_key");
        public readonly delegate* unmanaged<byte*, int, nint, nint> BnBin2Bn = (delegate* unmanaged<byte*, int, nint, nint>)Export(library, "BN_bin2bn");
        public readonly delegate* unmanaged<nint, void> BnClearFree = (delegate* unmanaged<nint, void>)Export(library, "BN_clear_free");
        public readonly delegate* unmanaged<void> ErrClearError = (delegate* unmanaged<void>)Export(library, "ERR_clear_error");

        /// <summary>The P-256 group, made once for the process (it is only read); 0 if OpenSSL could not make it.</summary>
        public readonly nint Group = ((delegate* unmanaged<int, nint>)Export(library, "EC_GROUP_new_by_curve_name"))(NidPrime256V1);

        private static void* Export(nint library, string name) => (void*)NativeLibrary.GetExport(library, name);
    }
}
