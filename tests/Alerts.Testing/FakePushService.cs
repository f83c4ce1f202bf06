using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerts.Testing;

/// <summary>
/// A push service on a real loopback port that checks requests the way browser vendors' services do
/// (aes128gcm, size, TTL, VAPID), decrypts them with the subscriber's keys and records what arrived.
/// Requests for <c>POST /push/{subscriber id}</c>; answers 201 unless scripted otherwise.
/// </summary>
public sealed class FakePushService : IAsyncDisposable
{
    private const int MaxBodyBytes = 4096;
    private const int MaxTopicLength = 32;
    private static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromHours(24);
    private static readonly string[] UrgencyValues = ["very-low", "low", "normal", "high"];

    private WebApplication? _app;
    private int _port;
    private IPAddress _address = IPAddress.Loopback;
    private int _inFlight;
    private int _maxInFlight;
    private readonly string _expectedSubject;
    private readonly byte[]? _expectedPublicKey;
    private readonly ConcurrentDictionary<Guid, TestSubscriber> _subscribers = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, Queue<FakeResponse>> _scripts = [];
    private readonly List<ReceivedPush> _received = [];
    private readonly List<string> _rejections = [];
    private readonly Dictionary<(string NotificationId, Guid SubscriberId), int> _attempts = [];
    private TaskCompletionSource _changed = NewSignal();

    private FakePushService(string expectedSubject, byte[]? expectedPublicKey)
    {
        _expectedSubject = expectedSubject;
        _expectedPublicKey = expectedPublicKey;
    }

    /// <summary><c>http://127.0.0.1:port</c> (or the loopback address it was started on), the exact <c>aud</c> a VAPID token must carry.</summary>
    public string Origin { get; private set; } = "";

    /// <summary>Waited before each request is handled, so a fan-out lasts long enough to break things in its middle.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>
    /// When above zero, the first this-many requests for each (notification, subscriber) are answered
    /// <see cref="FailureStatus"/> (after decrypting, so they still count as received); later ones get the usual answer.
    /// </summary>
    public int FailFirstAttempts { get; set; }

    /// <summary>The answer while <see cref="FailFirstAttempts"/> applies; 503 unless set.</summary>
    public int FailureStatus { get; set; } = StatusCodes.Status503ServiceUnavailable;

    /// <summary>False between <see cref="StopListeningAsync"/> and <see cref="ResumeListeningAsync"/>: connections are refused.</summary>
    public bool IsListening => _app is not null;

    /// <summary>The most requests this service was handling at once (from arrival to answer, <see cref="Latency"/> included) since it started or was cleared.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Every push that passed the checks, in arrival order, whatever was answered.</summary>
    public IReadOnlyList<ReceivedPush> Received
    {
        get
        {
            lock (_lock)
            {
                return _received.ToArray();
            }
        }
    }

    /// <summary>Pushes answered with a 2xx status.</summary>
    public IReadOnlyList<ReceivedPush> Delivered => Received.Where(p => p.WasDelivered).ToArray();

    /// <summary>Why requests were refused: "status subscriber: reason".</summary>
    public IReadOnlyList<string> Rejections
    {
        get
        {
            lock (_lock)
            {
                return _rejections.ToArray();
            }
        }
    }

    /// <param name="expectedVapidSubject">The <c>sub</c> every token must carry.</param>
    /// <param name="expectedVapidPublicKey">When given (base64url), every token's <c>k</c> must equal it (else 403).</param>
    /// <param name="listenOn">A loopback address other than 127.0.0.1 (e.g. 127.0.0.2), so that two fakes are two push service hosts.</param>
    public static async Task<FakePushService> StartAsync(string expectedVapidSubject, string? expectedVapidPublicKey = null, IPAddress? listenOn = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(expectedVapidSubject);
        byte[]? expectedKey = expectedVapidPublicKey is null ? null : Base64Url.DecodeFromChars(expectedVapidPublicKey);

        var service = new FakePushService(expectedVapidSubject, expectedKey) { _address = listenOn ?? IPAddress.Loopback };
        await service.ListenAsync(0).ConfigureAwait(false);
        return service;
    }

    /// <summary>Closes the listening socket: from now on connections to <see cref="Origin"/> are refused.</summary>
    public async Task StopListeningAsync()
    {
        WebApplication? app = Interlocked.Exchange(ref _app, null);
        if (app is null)
        {
            return;
        }

        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Listens again on the same port after <see cref="StopListeningAsync"/>; what was received is kept.</summary>
    public async Task ResumeListeningAsync()
    {
        if (_app is not null)
        {
            return;
        }

        await ListenAsync(_port).ConfigureAwait(false);
    }

    private async Task ListenAsync(int port)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(_address, port));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
        WebApplication app = builder.Build();
        app.MapPost("/push/{id}", (RequestDelegate)HandleAsync);
        await app.StartAsync().ConfigureAwait(false);

        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var origin = new Uri(address);
        _port = origin.Port;
        Origin = origin.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);
        _app = app;
    }

    /// <summary>Makes the subscriber known so its pushes can be decrypted.</summary>
    public void Register(TestSubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        _subscribers[subscriber.Id] = subscriber;
    }

    /// <summary>The subscriber's endpoint, <c>{Origin}/push/{id}</c>; registers it.</summary>
    public string EndpointFor(TestSubscriber subscriber)
    {
        Register(subscriber);
        return $"{Origin}/push/{subscriber.Id}";
    }

    /// <summary>
    /// An endpoint of its own, <c>{Origin}/push/{endpointId}</c>, whose pushes decrypt with <paramref name="keys"/>:
    /// many readers of a large test audience can share a few key pairs. Pushes to it carry <paramref name="endpointId"/>
    /// as their <see cref="ReceivedPush.SubscriberId"/>.
    /// </summary>
    public string EndpointFor(Guid endpointId, TestSubscriber keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _subscribers[endpointId] = keys;
        return $"{Origin}/push/{endpointId}";
    }

    /// <summary>Queues answers for the subscriber's next requests, one per request, before the default 201.</summary>
    public void Script(TestSubscriber subscriber, params FakeResponse[] responses)
    {
        Register(subscriber);
        lock (_lock)
        {
            if (!_scripts.TryGetValue(subscriber.Id, out Queue<FakeResponse>? queue))
            {
                _scripts[subscriber.Id] = queue = new Queue<FakeResponse>();
            }

            foreach (FakeResponse response in responses)
            {
                queue.Enqueue(response);
            }
        }
    }

    /// <summary>For one notification (the payload's <c>id</c>): how many pushes each subscriber had answered 2xx.</summary>
    public IReadOnlyDictionary<Guid, int> DeliveredPerSubscriber(string notificationId)
    {
        var counts = new Dictionary<Guid, int>();
        lock (_lock)
        {
            foreach (ReceivedPush push in _received)
            {
                if (push.WasDelivered && push.NotificationId == notificationId)
                {
                    counts[push.SubscriberId] = counts.GetValueOrDefault(push.SubscriberId) + 1;
                }
            }
        }

        return counts;
    }

    /// <summary>For one notification: every request that reached the service (whatever it answered).</summary>
    public int AttemptsFor(string notificationId)
    {
        lock (_lock)
        {
            return _received.Count(push => push.NotificationId == notificationId);
        }
    }

    public IReadOnlyList<ReceivedPush> ReceivedBy(TestSubscriber subscriber) =>
        Received.Where(p => p.SubscriberId == subscriber.Id).ToArray();

    /// <summary>Waits until at least <paramref name="count"/> pushes were answered 2xx.</summary>
    /// <exception cref="TimeoutException">Lists what arrived and what was rejected.</exception>
    public Task WaitForDeliveredAsync(int count, TimeSpan timeout) =>
        WaitAsync(pushes => pushes.Count(p => p.WasDelivered) >= count, timeout, $"{count} delivered push(es)");

    /// <summary>Waits until <paramref name="condition"/> holds for the pushes received so far.</summary>
    /// <exception cref="TimeoutException">Lists what arrived and what was rejected.</exception>
    public Task WaitForRequestsAsync(Func<IReadOnlyList<ReceivedPush>, bool> condition, TimeSpan timeout) =>
        WaitAsync(condition, timeout, "the condition on received pushes");

    /// <summary>Forgets received pushes, rejections and unused scripted answers; subscribers stay registered.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _received.Clear();
            _rejections.Clear();
            _scripts.Clear();
            _attempts.Clear();
        }

        Volatile.Write(ref _maxInFlight, Volatile.Read(ref _inFlight));
    }

    public async ValueTask DisposeAsync() => await StopListeningAsync().ConfigureAwait(false);

    private async Task WaitAsync(Func<IReadOnlyList<ReceivedPush>, bool> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Task changed;
            ReceivedPush[] snapshot;
            lock (_lock)
            {
                snapshot = _received.ToArray();
                changed = _changed.Task;
            }

            if (condition(snapshot))
            {
                return;
            }

            TimeSpan remaining = timeout - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException(Describe($"Waited {timeout.TotalSeconds:0.###} s for {what}.", snapshot));
            }

            try
            {
                await changed.WaitAsync(remaining).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Loop once more: the condition is checked again before giving up.
            }
        }
    }

    private string Describe(string headline, IReadOnlyList<ReceivedPush> received)
    {
        var text = new StringBuilder(headline);
        text.Append(CultureInfo.InvariantCulture, $" Received {received.Count}:");
        foreach (ReceivedPush push in received)
        {
            string plaintext = push.Plaintext.Length > 120 ? push.Plaintext[..120] + "…" : push.Plaintext;
            text.Append(CultureInfo.InvariantCulture, $"\n  {push.AnsweredStatus} {push.SubscriberId} urgency={push.Urgency} topic={push.Topic} {plaintext}");
        }

        IReadOnlyList<string> rejections = Rejections;
        text.Append(CultureInfo.InvariantCulture, $"\nRejections {rejections.Count}:");
        foreach (string rejection in rejections)
        {
            text.Append("\n  ").Append(rejection);
        }

        return text.ToString();
    }

    private async Task HandleAsync(HttpContext context)
    {
        int inFlight = Interlocked.Increment(ref _inFlight);
        for (int max = Volatile.Read(ref _maxInFlight); inFlight > max; max = Volatile.Read(ref _maxInFlight))
        {
            Interlocked.CompareExchange(ref _maxInFlight, inFlight, max);
        }

        try
        {
            await HandleCoreAsync(context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
        {
            // Logging is off, so a bug here must still show up in Rejections.
            await RejectAsync(context, StatusCodes.Status500InternalServerError, context.Request.Path, $"fake push service failed: {e}").ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task HandleCoreAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, context.RequestAborted).ConfigureAwait(false);
        }

        string idText = context.Request.RouteValues["id"] as string ?? "";
        if (!Guid.TryParse(idText, out Guid id) || !_subscribers.TryGetValue(id, out TestSubscriber? subscriber))
        {
            await RejectAsync(context, StatusCodes.Status404NotFound, idText, "no such subscriber registered").ConfigureAwait(false);
            return;
        }

        (int status, string reason)? vapidFailure = CheckVapid(request.Headers.Authorization.ToString());
        if (vapidFailure is { } failure)
        {
            await RejectAsync(context, failure.status, idText, failure.reason).ConfigureAwait(false);
            return;
        }

        string? headerProblem = CheckHeaders(request, out int ttl);
        if (headerProblem is not null)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, idText, headerProblem).ConfigureAwait(false);
            return;
        }

        byte[] buffer = new byte[MaxBodyBytes + 1];
        int read = await request.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, context.RequestAborted).ConfigureAwait(false);
        if (read > MaxBodyBytes)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, idText, $"body is larger than {MaxBodyBytes} bytes").ConfigureAwait(false);
            return;
        }

        string plaintext;
        try
        {
            plaintext = Encoding.UTF8.GetString(subscriber.Decrypt(buffer[..read]));
        }
        catch (PushDecryptionException e)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, idText, $"cannot decrypt the {read}-byte body: {e.Message}").ConfigureAwait(false);
            return;
        }

        JsonElement payload = ParseJson(plaintext);
        FakeResponse answer = NextAnswer(id, payload);
        var push = new ReceivedPush(
            id,
            plaintext,
            payload,
            ttl,
            NullIfEmpty(request.Headers["Urgency"].ToString()),
            NullIfEmpty(request.Headers["Topic"].ToString()),
            answer.StatusCode,
            DateTimeOffset.UtcNow);

        context.Response.StatusCode = answer.StatusCode;
        if (answer.RetryAfterSeconds is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        }

        if (answer.StatusCode == StatusCodes.Status201Created)
        {
            context.Response.Headers.Location = $"{Origin}/message/{Guid.NewGuid()}";
        }

        lock (_lock)
        {
            _received.Add(push);
        }

        Signal();
        if (answer.StatusCode >= 400)
        {
            await context.Response.WriteAsync($"scripted answer {answer.StatusCode}", context.RequestAborted).ConfigureAwait(false);
        }
    }

    private (int Status, string Reason)? CheckVapid(string authorization)
    {
        const int Unauthorized = StatusCodes.Status401Unauthorized;
        if (string.IsNullOrEmpty(authorization))
        {
            return (Unauthorized, "no Authorization header");
        }

        if (!authorization.StartsWith("vapid ", StringComparison.OrdinalIgnoreCase))
        {
            return (Unauthorized, $"Authorization scheme is not 'vapid': '{authorization.Split(' ')[0]}'");
        }

        string? token = null;
        string? key = null;
        foreach (string part in authorization["vapid ".Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? part : part[..equals].Trim();
            string value = equals < 0 ? "" : part[(equals + 1)..].Trim();
            if (name == "t")
            {
                token = value;
            }
            else if (name == "k")
            {
                key = value;
            }
        }

        if (string.IsNullOrEmpty(token) || string.IsNullOrEmpty(key))
        {
            return (Unauthorized, "Authorization must carry both t=<JWT> and k=<public key>");
        }

        try
        {
            byte[] publicKey = Base64Url.DecodeFromChars(key);
            if (publicKey.Length != 65 || publicKey[0] != 0x04)
            {
                return (Unauthorized, $"k decodes to {publicKey.Length} bytes; expected a 65-byte uncompressed P-256 point");
            }

            if (_expectedPublicKey is not null && !publicKey.AsSpan().SequenceEqual(_expectedPublicKey))
            {
                return (StatusCodes.Status403Forbidden, $"k is {key}, not the application server key {Base64Url.EncodeToString(_expectedPublicKey)}");
            }

            string[] segments = token.Split('.');
            if (segments.Length != 3)
            {
                return (Unauthorized, $"the JWT has {segments.Length} segments; expected 3");
            }

            using (JsonDocument header = JsonDocument.Parse(Base64Url.DecodeFromChars(segments[0])))
            {
                string? alg = header.RootElement.TryGetProperty("alg", out JsonElement a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                if (alg != "ES256")
                {
                    return (Unauthorized, $"JWT alg is '{alg}'; expected ES256");
                }
            }

            byte[] signature = Base64Url.DecodeFromChars(segments[2]);
            if (signature.Length != 64)
            {
                return (Unauthorized, $"the ES256 signature is {signature.Length} bytes; expected 64 (r ‖ s)");
            }

            using (var verifier = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = publicKey[1..33], Y = publicKey[33..] },
            }))
            {
                byte[] signed = Encoding.ASCII.GetBytes($"{segments[0]}.{segments[1]}");
                if (!verifier.VerifyData(signed, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
                {
                    return (Unauthorized, "the JWT signature does not verify with k");
                }
            }

            using JsonDocument claims = JsonDocument.Parse(Base64Url.DecodeFromChars(segments[1]));
            JsonElement root = claims.RootElement;
            string? aud = root.TryGetProperty("aud", out JsonElement audElement) && audElement.ValueKind == JsonValueKind.String ? audElement.GetString() : null;
            if (aud != Origin)
            {
                return (Unauthorized, $"aud is '{aud}'; expected this push service's origin '{Origin}'");
            }

            if (!root.TryGetProperty("exp", out JsonElement expElement) || !expElement.TryGetInt64(out long exp))
            {
                return (Unauthorized, "exp is missing or not an integer");
            }

            DateTimeOffset now = DateTimeOffset.UtcNow;
            DateTimeOffset expires = DateTimeOffset.FromUnixTimeSeconds(exp);
            if (expires <= now)
            {
                return (Unauthorized, $"exp {expires:O} has passed (now {now:O})");
            }

            if (expires > now + MaxTokenLifetime)
            {
                return (Unauthorized, $"exp {expires:O} is more than 24 h ahead (now {now:O})");
            }

            string? sub = root.TryGetProperty("sub", out JsonElement subElement) && subElement.ValueKind == JsonValueKind.String ? subElement.GetString() : null;
            if (sub != _expectedSubject)
            {
                return (Unauthorized, $"sub is '{sub}'; expected '{_expectedSubject}'");
            }

            return null;
        }
        catch (Exception e) when (e is FormatException or JsonException or CryptographicException or ArgumentException)
        {
            return (Unauthorized, $"malformed VAPID authorization: {e.GetType().Name}: {e.Message}");
        }
    }

    private static string? CheckHeaders(HttpRequest request, out int ttl)
    {
        ttl = 0;
        string encoding = request.Headers.ContentEncoding.ToString();
        if (!string.Equals(encoding, "aes128gcm", StringComparison.OrdinalIgnoreCase))
        {
            return $"Content-Encoding is '{encoding}'; expected aes128gcm";
        }

        string ttlText = request.Headers["TTL"].ToString();
        if (!int.TryParse(ttlText, NumberStyles.None, CultureInfo.InvariantCulture, out ttl))
        {
            return ttlText.Length == 0 ? "no TTL header" : $"TTL '{ttlText}' is not a non-negative integer";
        }

        string urgency = request.Headers["Urgency"].ToString();
        if (urgency.Length > 0 && !UrgencyValues.Contains(urgency))
        {
            return $"Urgency '{urgency}' is not one of {string.Join(", ", UrgencyValues)}";
        }

        string topic = request.Headers["Topic"].ToString();
        if (topic.Length > 0 && (topic.Length > MaxTopicLength || !topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return $"Topic '{topic}' is not 1 to {MaxTopicLength} base64url characters";
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return $"Content-Length {request.ContentLength} is larger than {MaxBodyBytes}";
        }

        return null;
    }

    private FakeResponse NextAnswer(Guid subscriberId, JsonElement payload)
    {
        lock (_lock)
        {
            if (_scripts.TryGetValue(subscriberId, out Queue<FakeResponse>? queue) && queue.TryDequeue(out FakeResponse? scripted))
            {
                return scripted;
            }

            if (FailFirstAttempts > 0)
            {
                string notificationId = payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("id", out JsonElement idElement)
                    ? idElement.ToString()
                    : "";
                int attempt = _attempts.GetValueOrDefault((notificationId, subscriberId)) + 1;
                _attempts[(notificationId, subscriberId)] = attempt;
                if (attempt <= FailFirstAttempts)
                {
                    return new FakeResponse(FailureStatus);
                }
            }

            return new FakeResponse(StatusCodes.Status201Created);
        }
    }

    private async Task RejectAsync(HttpContext context, int status, string subscriber, string reason)
    {
        lock (_lock)
        {
            _rejections.Add($"{status} {subscriber}: {reason}");
        }

        Signal();
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(reason, context.RequestAborted).ConfigureAwait(false);
    }

    private void Signal()
    {
        TaskCompletionSource previous;
        lock (_lock)
        {
            previous = _changed;
            _changed = NewSignal();
        }

        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static JsonElement ParseJson(string plaintext)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(plaintext);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
