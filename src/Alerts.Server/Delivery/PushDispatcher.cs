using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using Alerts.WebPush;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Alerts.Delivery;

/// <summary>
/// One push attempt's result. Retry: the push service or the network failed us (429, 406, 5xx, timeout,
/// connection refused); try again later, never the reader's fault. Rejected: the push service refused the
/// message (another 4xx) or the stored subscription cannot be used; counted against the reader when
/// <see cref="PushAttemptResult.AgainstReader"/>. NotAttempted: the worker is stopping.
/// </summary>
public enum PushVerdict { Sent, Gone, Rejected, Retry, NotAttempted }

/// <param name="Host">The push service host it was sent to (null when the endpoint was refused before sending).</param>
/// <param name="AnsweredAt">When the push service's answer came (null without an answer), for the time-to-reach statistics.</param>
public sealed record PushAttemptResult(Guid SubscriptionId, PushVerdict Verdict, int? StatusCode = null, TimeSpan? RetryAfter = null,
    string? Reason = null, bool AgainstReader = false, string? Host = null, DateTime? AnsweredAt = null);

/// <summary>
/// Sends one payload to many recipients, one attempt each, and hands each result on as soon as it is known, so
/// the caller records while the rest are still being sent. Concurrency is bounded per push-service host
/// (<see cref="PushOptions.MaxConcurrencyPerHost"/>: a slow host cannot take the slots of the others) and for the
/// process (<see cref="PushOptions.MaxConcurrency"/>). Whatever happens to one recipient (a bad stored key, a crypto
/// or network error) is that recipient's result; the others go on. Retrying is the caller's business (a delayed
/// retry batch), so no slot is ever held while waiting to retry.
/// </summary>
public sealed class PushDispatcher(
    IPushSender sender, PushEndpointPolicy policy, IOptions<PushOptions> options, TimeProvider time, ILogger<PushDispatcher> logger)
{
    private static readonly Counter Results = Metrics.CreateCounter(
        "alerts_push_results_total", "Push attempts by result and push-service host.", "outcome", "host");
    private static readonly Histogram Duration = Metrics.CreateHistogram(
        "alerts_push_request_seconds", "Time for one push service request.", "host");

    private readonly SemaphoreSlim _inFlight = new(options.Value.MaxConcurrency);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _perHost = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Writes one result per recipient to <paramref name="results"/>, in the order they finish.</summary>
    /// <param name="stopStarting">When cancelled, pushes not yet started are left NotAttempted.</param>
    /// <param name="abandon">When cancelled, pushes in flight are abandoned (their result is Retry: unknown).</param>
    public async Task SendAsync(
        IReadOnlyList<PushRecipient> recipients, Func<Guid, byte[]> payloadFor, Func<Guid, PushRequestOptions> requestFor, DateTime expiresAtUtc,
        ChannelWriter<PushAttemptResult> results, CancellationToken stopStarting, CancellationToken abandon)
    {
        var perHost = options.Value.MaxConcurrencyPerHost;
        var byHost = new Dictionary<string, List<(PushRecipient Recipient, Uri Endpoint)>>(StringComparer.OrdinalIgnoreCase);
        foreach (var recipient in recipients)
        {
            // The allow-list is checked again at send time: a subscription stored under an older, wider list is not pushed to.
            var refused = policy.Check(recipient.Endpoint, out var endpoint);
            if (refused is not null || endpoint is null)
            {
                await results.WriteAsync(Count(new PushAttemptResult(recipient.SubscriptionId, PushVerdict.Rejected, Reason: $"endpoint {refused}"), "unknown"), CancellationToken.None);
                continue;
            }
            if (!byHost.TryGetValue(endpoint.Host, out var list)) byHost[endpoint.Host] = list = [];
            list.Add((recipient, endpoint));
        }

        // Every host at once, each within its own limit.
        await Task.WhenAll(byHost.Select(host => Parallel.ForEachAsync(host.Value,
            new ParallelOptions { MaxDegreeOfParallelism = perHost },
            async (item, _) => await results.WriteAsync(
                await SendOneAsync(item.Recipient, item.Endpoint, payloadFor, requestFor, expiresAtUtc, stopStarting, abandon), CancellationToken.None))));
    }

    private async Task<PushAttemptResult> SendOneAsync(
        PushRecipient recipient, Uri endpoint, Func<Guid, byte[]> payloadFor, Func<Guid, PushRequestOptions> requestFor, DateTime expiresAtUtc,
        CancellationToken stopStarting, CancellationToken abandon)
    {
        var id = recipient.SubscriptionId;
        var host = endpoint.Host;
        var hostSlots = _perHost.GetOrAdd(host, _ => new SemaphoreSlim(options.Value.MaxConcurrencyPerHost));
        try
        {
            await hostSlots.WaitAsync(stopStarting);
        }
        catch (OperationCanceledException)
        {
            return new PushAttemptResult(id, PushVerdict.NotAttempted);
        }
        try
        {
            try
            {
                await _inFlight.WaitAsync(stopStarting);
            }
            catch (OperationCanceledException)
            {
                return new PushAttemptResult(id, PushVerdict.NotAttempted);
            }
            try
            {
                return Count(await AttemptAsync(recipient, endpoint, payloadFor, requestFor(id), expiresAtUtc, abandon), host);
            }
            finally
            {
                _inFlight.Release();
            }
        }
        finally
        {
            hostSlots.Release();
        }
    }

    private async Task<PushAttemptResult> AttemptAsync(
        PushRecipient recipient, Uri endpoint, Func<Guid, byte[]> payloadFor, PushRequestOptions request, DateTime expiresAtUtc, CancellationToken abandon)
    {
        var id = recipient.SubscriptionId;
        var host = endpoint.Host;
        try
        {
            var remainingTtl = (int)Math.Clamp((expiresAtUtc - time.GetUtcNow().UtcDateTime).TotalSeconds, 0, request.TtlSeconds);
            PushResponse response;
            using (Duration.WithLabels(host).NewTimer())
                response = await sender.SendAsync(recipient, endpoint, payloadFor(id), remainingTtl == request.TtlSeconds ? request : request with { TtlSeconds = remainingTtl }, abandon);

            var answeredAt = time.GetUtcNow().UtcDateTime;

            if (response.IsSuccess) return new PushAttemptResult(id, PushVerdict.Sent, response.StatusCode, Host: host, AnsweredAt: answeredAt);
            if (response.IsGone) return new PushAttemptResult(id, PushVerdict.Gone, response.StatusCode, Reason: response.Reason, Host: host, AnsweredAt: answeredAt);
            if (response.IsRetryable) return new PushAttemptResult(id, PushVerdict.Retry, response.StatusCode, response.RetryAfter, response.Reason);
            return new PushAttemptResult(id, PushVerdict.Rejected, response.StatusCode, Reason: response.Reason, AgainstReader: true, Host: host, AnsweredAt: answeredAt);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or CryptographicException)
        {
            return new PushAttemptResult(id, PushVerdict.Rejected, Reason: $"the stored subscription keys cannot be used: {e.Message}", AgainstReader: true, Host: host);
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            // Abandoned at shutdown: the push service may or may not have it, so it is retried.
            return new PushAttemptResult(id, PushVerdict.Retry, Reason: "abandoned while the worker stopped");
        }
        catch (HttpRequestException e) when (e.InnerException is Security.PushDestinationRefusedException refused)
        {
            // The endpoint resolves to an address the service never connects to: no retry will change that.
            return new PushAttemptResult(id, PushVerdict.Rejected, Reason: refused.Message);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException or IOException)
        {
            // Unreachable or slow: the push service's problem, not the reader's.
            return new PushAttemptResult(id, PushVerdict.Retry, Reason: e.GetType().Name);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Push to subscription {SubscriptionId} failed unexpectedly", id);
            return new PushAttemptResult(id, PushVerdict.Rejected, Reason: e.GetType().Name);
        }
    }

    private static PushAttemptResult Count(PushAttemptResult result, string host)
    {
        Results.WithLabels(result.Verdict.ToString().ToLowerInvariant(), host).Inc();
        return result;
    }
}
