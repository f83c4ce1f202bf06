using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Alerts.WebPush;

/// <summary>
/// Builds RFC 8292 <c>Authorization: vapid t=…, k=…</c> values. A token is valid for 12 hours and is
/// reused per push-service origin until less than an hour remains, so signing stays off the hot path.
/// Thread-safe.
/// </summary>
public sealed class VapidAuthentication : IDisposable
{
    private const int MaxCachedOrigins = 1024;
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(12);
    private static readonly TimeSpan RenewWhenLessThan = TimeSpan.FromHours(1);
    private static readonly string EncodedJwtHeader = Base64Url.EncodeToString("""{"typ":"JWT","alg":"ES256"}"""u8);
    private static readonly JsonWriterOptions ClaimsWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ECDsa _signingKey;
    private readonly string _publicKey;
    private readonly string _subject;
    private readonly ConcurrentDictionary<string, SignedHeader> _headers = new(StringComparer.Ordinal);
    private readonly Lock _signLock = new();
    private volatile bool _disposed;

    /// <param name="keys">The VAPID key pair.</param>
    /// <param name="subject">A contact for the push service: a <c>mailto:</c> or <c>https:</c> URI.</param>
    /// <param name="timeProvider">Clock for <c>exp</c> and for renewing cached tokens.</param>
    /// <exception cref="ArgumentException">The subject is not a <c>mailto:</c> or <c>https:</c> URI.</exception>
    public VapidAuthentication(VapidKeys keys, string subject, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!IsValidSubject(subject))
        {
            throw new ArgumentException(
                $"The VAPID subject must be a mailto: or https: URI (RFC 8292 section 2.1); got '{subject}'.", nameof(subject));
        }

        _publicKey = keys.PublicKey;
        _subject = subject;
        TimeProvider = timeProvider;
        _signingKey = keys.CreateSigningKey();
    }

    internal TimeProvider TimeProvider { get; }

    /// <summary>The value for the <c>Authorization</c> header of a push to <paramref name="endpoint"/>.</summary>
    /// <exception cref="ArgumentException">The endpoint is not an absolute URI.</exception>
    public string GetAuthorizationHeaderValue(Uri endpoint)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        string audience = GetOrigin(endpoint);
        DateTimeOffset now = TimeProvider.GetUtcNow();
        if (_headers.TryGetValue(audience, out SignedHeader? cached) && cached.Expires - now >= RenewWhenLessThan)
        {
            return cached.Value;
        }

        // One signer at a time: concurrent callers for the same origin then reuse the fresh token.
        lock (_signLock)
        {
            if (_headers.TryGetValue(audience, out cached) && cached.Expires - now >= RenewWhenLessThan)
            {
                return cached.Value;
            }

            SignedHeader signed = Sign(audience, now);
            if (_headers.Count >= MaxCachedOrigins)
            {
                _headers.Clear();
            }

            _headers[audience] = signed;
            return signed.Value;
        }
    }

    public void Dispose()
    {
        lock (_signLock)
        {
            _disposed = true;
            _signingKey.Dispose();
        }
    }

    /// <summary>The RFC 6454 origin, <c>scheme://host[:port]</c>, with the port only when not the scheme's default.</summary>
    internal static string GetOrigin(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || string.IsNullOrEmpty(endpoint.Host))
        {
            throw new ArgumentException($"The push endpoint must be an absolute URI with a host; got '{endpoint}'.", nameof(endpoint));
        }

        // RFC 6454 ASCII serialization: punycode for international names, brackets kept for IPv6.
        string host = endpoint.HostNameType == UriHostNameType.Dns ? endpoint.IdnHost : endpoint.Host;
        return endpoint.IsDefaultPort
            ? $"{endpoint.Scheme}://{host}"
            : string.Create(CultureInfo.InvariantCulture, $"{endpoint.Scheme}://{host}:{endpoint.Port}");
    }

    private static bool IsValidSubject(string? subject)
    {
        if (string.IsNullOrWhiteSpace(subject) || subject.Any(char.IsWhiteSpace))
        {
            return false;
        }

        if (subject.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
        {
            return subject.Length > "mailto:".Length;
        }

        return subject.StartsWith("https:", StringComparison.OrdinalIgnoreCase)
            && Uri.TryCreate(subject, UriKind.Absolute, out Uri? uri)
            && !string.IsNullOrEmpty(uri.Host);
    }

    private SignedHeader Sign(string audience, DateTimeOffset now)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long expires = (now + TokenLifetime).ToUnixTimeSeconds();

        var claims = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(claims, ClaimsWriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("aud"u8, audience);
            writer.WriteNumber("exp"u8, expires);
            writer.WriteString("sub"u8, _subject);
            writer.WriteEndObject();
        }

        string signingInput = EncodedJwtHeader + "." + Base64Url.EncodeToString(claims.WrittenSpan);
        Span<byte> signature = stackalloc byte[64];
        if (!_signingKey.TrySignData(
                Encoding.ASCII.GetBytes(signingInput),
                signature,
                HashAlgorithmName.SHA256,
                DSASignatureFormat.IeeeP1363FixedFieldConcatenation,
                out int written)
            || written != signature.Length)
        {
            throw new CryptographicException("ES256 signing produced an unexpected signature size.");
        }

        string token = signingInput + "." + Base64Url.EncodeToString(signature);
        return new SignedHeader($"vapid t={token}, k={_publicKey}", DateTimeOffset.FromUnixTimeSeconds(expires));
    }

    private sealed record SignedHeader(string Value, DateTimeOffset Expires);
}
