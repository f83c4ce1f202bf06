using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Alerts.WebPush;

/// <summary>
/// Sends encrypted messages to push services (RFC 8030) with VAPID. HTTP status codes come back as
/// <see cref="PushResponse"/>; transport failures and timeouts propagate as exceptions.
/// </summary>
public sealed class WebPushClient
{
    private const int MaxReasonChars = 200;
    private const int MaxReasonBytesRead = 1024;

    private readonly HttpClient _httpClient;

    /// <param name="httpClient">Configured by the caller: timeouts, no automatic redirects, and the HTTP version
    /// (<see cref="HttpClient.DefaultRequestVersion"/> and <see cref="HttpClient.DefaultVersionPolicy"/> apply to every push).</param>
    /// <param name="vapid">Signs each request for the endpoint's origin.</param>
    public WebPushClient(HttpClient httpClient, VapidAuthentication vapid)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(vapid);
        _httpClient = httpClient;
        Vapid = vapid;
    }

    /// <summary>What signs this client's requests.</summary>
    public VapidAuthentication Vapid { get; }

    /// <summary>POSTs one encrypted message (from <see cref="PushMessageEncryptor"/>) to a subscription endpoint.</summary>
    /// <exception cref="HttpRequestException">The push service could not be reached.</exception>
    public async Task<PushResponse> SendAsync(Uri endpoint, byte[] encryptedBody, PushRequestOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(encryptedBody);
        ArgumentNullException.ThrowIfNull(options);
        if (encryptedBody.Length > PushMessageEncryptor.MaxBodyBytes)
        {
            throw new ArgumentException(
                $"The body is {encryptedBody.Length} bytes; push services need not accept more than {PushMessageEncryptor.MaxBodyBytes}.",
                nameof(encryptedBody));
        }

        // The version comes from the client: HTTP/2 where the push service offers it, if so configured.
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Version = _httpClient.DefaultRequestVersion,
            VersionPolicy = _httpClient.DefaultVersionPolicy,
        };
        request.Headers.TryAddWithoutValidation("TTL", options.TtlSeconds.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("Urgency", options.UrgencyHeaderValue);
        if (options.Topic is { } topic)
        {
            request.Headers.TryAddWithoutValidation("Topic", topic);
        }

        request.Headers.TryAddWithoutValidation("Authorization", Vapid.GetAuthorizationHeaderValue(endpoint));
        request.Content = new ByteArrayContent(encryptedBody);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Content.Headers.ContentEncoding.Add("aes128gcm");

        using HttpResponseMessage response = await _httpClient
            .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);

        var result = new PushResponse((int)response.StatusCode, ReadRetryAfter(response), Reason: null);
        return result.IsSuccess ? result : result with { Reason = await ReadReasonAsync(response, cancellationToken).ConfigureAwait(false) };
    }

    private TimeSpan? ReadRetryAfter(HttpResponseMessage response)
    {
        RetryConditionHeaderValue? retryAfter = response.Headers.RetryAfter;
        TimeSpan? delay = retryAfter?.Delta ?? (retryAfter?.Date - Vapid.TimeProvider.GetUtcNow());
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }

    private static async Task<string?> ReadReasonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? body = null;
        try
        {
            // Bounded read: an error page can be arbitrarily large and only its start is kept.
            Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                byte[] buffer = new byte[MaxReasonBytesRead];
                int read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                body = Encoding.UTF8.GetString(buffer, 0, read).Trim();
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // The status code already says what happened; a body cut short only loses detail.
        }

        if (string.IsNullOrEmpty(body))
        {
            return response.ReasonPhrase;
        }

        if (body.Length <= MaxReasonChars)
        {
            return body;
        }

        // Do not cut a surrogate pair in half.
        return body[..(char.IsHighSurrogate(body[MaxReasonChars - 1]) ? MaxReasonChars - 1 : MaxReasonChars)];
    }
}
