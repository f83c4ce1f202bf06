using System.Security.Cryptography;
using Alerts.WebPush;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Alerts.Delivery;

public sealed record PushRecipient(Guid SubscriptionId, string Endpoint, string P256dh, string Auth);

/// <summary>
/// One push attempt's result. Retry: the push service or the network failed us (429, 406, 5xx, timeout,
/// connection refused); try again later, never the reader's fault. Rejected: the push service refused the
/// message (another 4xx) or the stored subscription cannot be used; counted against the reader when
/// <see cref="PushAttemptResult.AgainstReader"/>. NotAttempted: the worker is stopping.
/// </summary>
public enum PushVerdict { Sent, Gone, Rejected, Retry, NotAttempted }

public sealed record PushAttemptResult(Guid SubscriptionId, PushVerdict Verdict, int? StatusCode = null, TimeSpan? RetryAfter = null,
    string? Reason = null, bool AgainstReader = false);

/// <summary>
/// Encrypts and sends one payload to many recipients, one attempt each, with bounded concurrency for the
/// whole process. Whatever happens to one recipient (a bad stored key, a crypto or network error) is that
/// recipient's result; the others go on. Retrying is the caller's business (a delayed retry batch), so no
/// concurrency slot is ever held while waiting to retry.
/// </summary>
public sealed class PushDispatcher(
    IHttpClientFactory httpClients, VapidKeyring vapid, PushEndpointPolicy policy, IOptions<PushOptions> options, TimeProvider time,
    ILogger<PushDispatcher> logger)
{
    public const string HttpClientName = "web-push";

    private static readonly Counter Results = Metrics.CreateCounter(
        "alerts_push_results_total", "Push attempts by result and push-service host.", "outcome", "host");
    private static readonly Histogram Duration = Metrics.CreateHistogram(
        "alerts_push_request_seconds", "Time for one push service request.", "host");

    private readonly SemaphoreSlim _inFlight = new(options.Value.MaxConcurrency);

    /// <param name="stopStarting">When cancelled, pushes not yet started are left NotAttempted.</param>
    /// <param name="abandon">When cancelled, pushes in flight are abandoned (their result is Retry: unknown).</param>
    public async Task<IReadOnlyList<PushAttemptResult>> SendAsync(
        IReadOnlyList<PushRecipient> recipients, Func<Guid, byte[]> payloadFor, Func<Guid, PushRequestOptions> requestFor, DateTime expiresAtUtc,
        CancellationToken stopStarting, CancellationToken abandon)
    {
        var client = new WebPushClient(httpClients.CreateClient(HttpClientName), vapid.Authentication);
        var results = new PushAttemptResult[recipients.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, recipients.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxConcurrency },
            async (index, _) => results[index] = await SendOneAsync(client, recipients[index], payloadFor, requestFor, expiresAtUtc, stopStarting, abandon));
        return results;
    }

    private async Task<PushAttemptResult> SendOneAsync(
        WebPushClient client, PushRecipient recipient, Func<Guid, byte[]> payloadFor, Func<Guid, PushRequestOptions> requestFor, DateTime expiresAtUtc,
        CancellationToken stopStarting, CancellationToken abandon)
    {
        var id = recipient.SubscriptionId;
        try
        {
            await _inFlight.WaitAsync(stopStarting);
        }
        catch (OperationCanceledException)
        {
            return new PushAttemptResult(id, PushVerdict.NotAttempted);
        }
        var host = "unknown";
        try
        {
            // The allow-list is checked again at send time: a subscription stored under an older, wider list is not pushed to.
            if (policy.Check(recipient.Endpoint) is { } refused)
                return Count(new PushAttemptResult(id, PushVerdict.Rejected, Reason: $"endpoint {refused}"), host);
            var endpoint = new Uri(recipient.Endpoint);
            host = endpoint.Host;

            byte[] body;
            try
            {
                body = PushMessageEncryptor.Encrypt(payloadFor(id),
                    System.Buffers.Text.Base64Url.DecodeFromChars(recipient.P256dh), System.Buffers.Text.Base64Url.DecodeFromChars(recipient.Auth));
            }
            catch (Exception e) when (e is FormatException or ArgumentException or CryptographicException)
            {
                return Count(new PushAttemptResult(id, PushVerdict.Rejected, Reason: $"the stored subscription keys cannot be used: {e.Message}", AgainstReader: true), host);
            }

            var request = requestFor(id);
            var remainingTtl = (int)Math.Clamp((expiresAtUtc - time.GetUtcNow().UtcDateTime).TotalSeconds, 0, request.TtlSeconds);
            PushResponse response;
            using (Duration.WithLabels(host).NewTimer())
                response = await client.SendAsync(endpoint, body, request with { TtlSeconds = remainingTtl }, abandon);

            if (response.IsSuccess) return Count(new PushAttemptResult(id, PushVerdict.Sent, response.StatusCode), host);
            if (response.IsGone) return Count(new PushAttemptResult(id, PushVerdict.Gone, response.StatusCode, Reason: response.Reason), host);
            if (response.IsRetryable)
                return Count(new PushAttemptResult(id, PushVerdict.Retry, response.StatusCode, response.RetryAfter, response.Reason), host);
            return Count(new PushAttemptResult(id, PushVerdict.Rejected, response.StatusCode, Reason: response.Reason, AgainstReader: true), host);
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            // Abandoned at shutdown: the push service may or may not have it, so it is retried.
            return Count(new PushAttemptResult(id, PushVerdict.Retry, Reason: "abandoned while the worker stopped"), host);
        }
        catch (HttpRequestException e) when (e.InnerException is Security.PushDestinationRefusedException refused)
        {
            // The endpoint resolves to an address the service never connects to: no retry will change that.
            return Count(new PushAttemptResult(id, PushVerdict.Rejected, Reason: refused.Message), host);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException or IOException)
        {
            // Unreachable or slow: the push service's problem, not the reader's.
            return Count(new PushAttemptResult(id, PushVerdict.Retry, Reason: e.GetType().Name), host);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Push to subscription {SubscriptionId} failed unexpectedly", id);
            return Count(new PushAttemptResult(id, PushVerdict.Rejected, Reason: e.GetType().Name), host);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private static PushAttemptResult Count(PushAttemptResult result, string host)
    {
        Results.WithLabels(result.Verdict.ToString().ToLowerInvariant(), host).Inc();
        return result;
    }
}
