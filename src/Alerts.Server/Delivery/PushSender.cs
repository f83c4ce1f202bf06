using System.Buffers.Text;
using Alerts.WebPush;

namespace Alerts.Delivery;

public sealed record PushRecipient(Guid SubscriptionId, string Endpoint, string P256dh, string Auth);

/// <summary>
/// Encrypts one payload for one reader and sends it to their push service. HTTP answers come back as a
/// <see cref="PushResponse"/>. Throws <see cref="ArgumentException"/> or <see cref="FormatException"/> when the
/// stored keys cannot be used, and <see cref="HttpRequestException"/> (or a timeout) when the push service cannot be
/// reached. A singleton: called in parallel.
/// </summary>
public interface IPushSender
{
    /// <param name="endpoint">The recipient's endpoint, already parsed and checked against the allow-list.</param>
    Task<PushResponse> SendAsync(PushRecipient recipient, Uri endpoint, byte[] payload, PushRequestOptions request, CancellationToken cancellationToken);
}

/// <summary>
/// Alerts' own sender: RFC 8291 encryption with a sender key shared by up to <see cref="KeyReuseLimit"/> messages
/// (see <see cref="PushEncryptor"/> for why that is safe), RFC 8292 VAPID tokens cached per push service, and one
/// shared connection pool per push service host (HTTP/2 where the push service offers it).
/// </summary>
public sealed class WebPushSender(IHttpClientFactory httpClients, VapidKeyring vapid, TimeProvider time) : IPushSender
{
    public const string HttpClientName = "web-push";

    /// <summary>About one batch's worth of messages per sender key.</summary>
    public const int KeyReuseLimit = 500;

    private static readonly TimeSpan KeyLifetime = TimeSpan.FromMinutes(1);

    private readonly HttpClient _httpClient = httpClients.CreateClient(HttpClientName);
    private SenderKeyInUse? _key;
    private WebPushClient? _client;

    public Task<PushResponse> SendAsync(PushRecipient recipient, Uri endpoint, byte[] payload, PushRequestOptions request, CancellationToken cancellationToken)
    {
        byte[] body = Encrypt(payload, recipient);
        return Client().SendAsync(endpoint, body, request, cancellationToken);
    }

    private byte[] Encrypt(byte[] payload, PushRecipient recipient)
    {
        Span<byte> p256dh = stackalloc byte[65];
        Span<byte> auth = stackalloc byte[16];
        if (!Base64Url.TryDecodeFromChars(recipient.P256dh, p256dh, out var keyLength) || keyLength != p256dh.Length)
            throw new ArgumentException("the stored p256dh is not a 65-byte base64url key");
        if (!Base64Url.TryDecodeFromChars(recipient.Auth, auth, out var authLength) || authLength != auth.Length)
            throw new ArgumentException("the stored auth secret is not 16 base64url bytes");
        return Encryptor().Encrypt(payload, p256dh, auth);
    }

    /// <summary>The current sender key; a fresh one after <see cref="KeyReuseLimit"/> messages or a minute.</summary>
    private PushEncryptor Encryptor()
    {
        var current = Volatile.Read(ref _key);
        var now = time.GetTimestamp();
        if (current is not null && Interlocked.Increment(ref current.Uses) <= KeyReuseLimit && time.GetElapsedTime(current.Since, now) < KeyLifetime)
            return current.Encryptor;
        // A replaced key is not disposed here (another thread may be using it): its native key is freed when collected.
        var fresh = new SenderKeyInUse(PushEncryptor.Create(), now);
        return (Interlocked.CompareExchange(ref _key, fresh, current) == current ? fresh : Volatile.Read(ref _key)!).Encryptor;
    }

    /// <summary>One client for the process; rebuilt only if the VAPID keys were replaced.</summary>
    private WebPushClient Client()
    {
        var authentication = vapid.Authentication;
        var client = Volatile.Read(ref _client);
        if (client is not null && ReferenceEquals(client.Vapid, authentication)) return client;
        client = new WebPushClient(_httpClient, authentication);
        Volatile.Write(ref _client, client);
        return client;
    }

    private sealed class SenderKeyInUse(PushEncryptor encryptor, long since)
    {
        public readonly PushEncryptor Encryptor = encryptor;
        public readonly long Since = since;
        public int Uses;
    }
}
