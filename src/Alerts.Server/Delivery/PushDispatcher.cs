using Alerts.WebPush;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Alerts.Delivery;

public sealed record PushRecipient(Guid SubscriptionId, string Endpoint, string P256dh, string Auth);

public sealed record PushAttemptResult(Guid SubscriptionId, DeliveryOutcome Outcome, int? StatusCode, string? Reason);

/// <summary>
/// Encrypts and sends one payload to many recipients with bounded concurrency. 404/410 mean gone;
/// 429 and 5xx are retried with back-off per push-service host, honouring Retry-After, until the
/// attempts or the notification's TTL run out; other answers are failures and are not retried.
/// </summary>
public sealed class PushDispatcher(
    IHttpClientFactory httpClients, VapidKeyring vapid, HostBackoff backoff, IOptions<PushOptions> options,
    TimeProvider time, ILogger<PushDispatcher> logger)
{
    public const string HttpClientName = "web-push";

    private static readonly Counter Results = Metrics.CreateCounter(
        "alerts_push_results_total", "Push attempts by final outcome.", "outcome");
    private static readonly Histogram Duration = Metrics.CreateHistogram(
        "alerts_push_request_seconds", "Time for one push service request.");

    // One limit for the whole process, however many batches run at once.
    private readonly SemaphoreSlim _inFlight = new(options.Value.MaxConcurrency);

    public async Task<IReadOnlyList<PushAttemptResult>> SendAsync(
        IReadOnlyList<PushRecipient> recipients, byte[] payload, PushRequestOptions request, DateTime expiresAtUtc,
        CancellationToken cancellationToken)
    {
        var client = new WebPushClient(httpClients.CreateClient(HttpClientName), vapid.Authentication);
        var results = new PushAttemptResult[recipients.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, recipients.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxConcurrency, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                await _inFlight.WaitAsync(token);
                try
                {
                    results[index] = await SendOneAsync(client, recipients[index], payload, request, expiresAtUtc, token);
                }
                finally
                {
                    _inFlight.Release();
                }
                Results.WithLabels(results[index].Outcome.ToString().ToLowerInvariant()).Inc();
            });
        return results;
    }

    private async Task<PushAttemptResult> SendOneAsync(
        WebPushClient client, PushRecipient recipient, byte[] payload, PushRequestOptions request, DateTime expiresAtUtc,
        CancellationToken cancellationToken)
    {
        var endpoint = new Uri(recipient.Endpoint);
        var body = PushMessageEncryptor.Encrypt(payload,
            System.Buffers.Text.Base64Url.DecodeFromChars(recipient.P256dh), System.Buffers.Text.Base64Url.DecodeFromChars(recipient.Auth));
        var settings = options.Value;
        string? lastReason = null;
        int? lastStatus = null;
        for (var attempt = 1; attempt <= settings.MaxAttempts; attempt++)
        {
            var wait = backoff.WaitFor(endpoint.Host);
            if (wait > TimeSpan.Zero)
            {
                if (time.GetUtcNow().UtcDateTime + wait > expiresAtUtc) break;
                await Task.Delay(wait, time, cancellationToken);
            }

            var remainingTtl = (int)Math.Max(0, (expiresAtUtc - time.GetUtcNow().UtcDateTime).TotalSeconds);
            PushResponse response;
            try
            {
                using (Duration.NewTimer())
                    response = await client.SendAsync(endpoint, body, request with { TtlSeconds = Math.Min(request.TtlSeconds, remainingTtl) }, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // The push service is unreachable or slow: treat like a 503.
                response = new PushResponse(503, null, e.GetType().Name);
            }
            lastStatus = response.StatusCode;
            lastReason = response.Reason;

            if (response.IsSuccess) return new PushAttemptResult(recipient.SubscriptionId, DeliveryOutcome.Sent, response.StatusCode, null);
            if (response.IsGone) return new PushAttemptResult(recipient.SubscriptionId, DeliveryOutcome.Gone, response.StatusCode, response.Reason);
            if (!response.IsRetryable) break;

            var delay = response.RetryAfter ?? TimeSpan.FromSeconds(Math.Pow(2, attempt - 1));
            if (delay > settings.MaxRetryDelay) delay = settings.MaxRetryDelay;
            if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
            backoff.BackOff(endpoint.Host, delay);
            logger.LogDebug("Push service {Host} answered {Status}; retrying in {Delay}", endpoint.Host, response.StatusCode, delay);
        }
        logger.LogInformation("Push to {Host} failed with {Status}: {Reason}", endpoint.Host, lastStatus, lastReason);
        return new PushAttemptResult(recipient.SubscriptionId, DeliveryOutcome.Failed, lastStatus, lastReason);
    }
}
