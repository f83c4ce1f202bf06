using System.Net.Http.Json;
using System.Text.Json;

namespace Alerts.FaultTests.Infrastructure;

/// <summary>A reader: the browser side (keys to decrypt) and the subscription id the service gave it.</summary>
public sealed record Reader(TestSubscriber Subscriber, Guid SubscriptionId);

/// <summary>Subscribes thousands of readers through the public API, a bounded number at a time.</summary>
public static class AudienceSeeder
{
    public static async Task<IReadOnlyList<Reader>> SeedAsync(HttpClient api, FakePushService push, int count, int parallelism = 8)
    {
        var readers = new Reader[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (i, token) =>
        {
            var subscriber = TestSubscriber.Create();
            using var response = await api.PostAsJsonAsync("/api/subscriptions", new
            {
                subscription = new { endpoint = push.EndpointFor(subscriber), expirationTime = (object?)null, keys = new { p256dh = subscriber.P256dh, auth = subscriber.Auth } },
                sections = new[] { "world" },
                delivery = new { mode = "instant" },
                timeZone = "UTC",
            }, token);
            var body = await response.Content.ReadAsStringAsync(token);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"Subscribing reader {i} failed with {(int)response.StatusCode}: {body}");
            readers[i] = new Reader(subscriber, JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid());
        });
        return readers;
    }
}
