using System.Text;
using System.Text.Json;

namespace Alerts.FaultTests.Infrastructure;

/// <summary>
/// A notification's counters from GET /api/alerts/{id}. <c>expired</c> and <c>pending</c> are read
/// when the service reports them (null otherwise).
/// </summary>
public sealed record NotificationCounters(Guid Id, string Status, int Targeted, int Sent, int Failed, int Gone, int? Expired, int? Pending)
{
    public static readonly string[] FinalStatuses = ["done", "cancelled", "expired"];

    public bool IsFinal => FinalStatuses.Contains(Status);

    public int Accounted => Sent + Failed + Gone + (Expired ?? 0) + (Pending ?? 0);

    /// <summary>sent + failed + gone + expired + pending = targeted.</summary>
    public bool AddsUp => Accounted == Targeted;

    public static NotificationCounters Unreachable(Guid id, string why) => new(id, $"unreachable ({why})", -1, -1, -1, -1, null, null);

    public static NotificationCounters From(JsonElement json) => new(
        json.GetProperty("id").GetGuid(),
        json.GetProperty("status").GetString() ?? "",
        json.GetProperty("targeted").GetInt32(),
        json.GetProperty("sent").GetInt32(),
        json.GetProperty("failed").GetInt32(),
        json.GetProperty("gone").GetInt32(),
        Optional(json, "expired"),
        Optional(json, "pending"));

    public override string ToString() =>
        $"{Id}: status={Status} targeted={Targeted} sent={Sent} failed={Failed} gone={Gone} " +
        $"expired={Expired?.ToString() ?? "(absent)"} pending={Pending?.ToString() ?? "(absent)"}";

    private static int? Optional(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;
}

/// <summary>
/// What the readers got for one alert (one or more notification ids, e.g. when a retried POST made
/// several): readers expected, readers who received it, missing readers and extra (duplicated) pushes.
/// For several separate alerts (<see cref="CountEach"/>) every count is per reader and alert.
/// </summary>
public sealed record DeliveryReport(
    string Injected, IReadOnlyList<Guid> NotificationIds, int Readers, int Received, int Missing, int Duplicated, int MostToOneReader,
    int Attempts, IReadOnlyList<NotificationCounters> Counters, int Alerts = 1)
{
    public static DeliveryReport Count(string injected, IReadOnlyList<Guid> notificationIds, IReadOnlyCollection<Reader> readers,
        FakePushService push, IReadOnlyList<NotificationCounters> counters)
    {
        var perReader = new Dictionary<Guid, int>();
        var attempts = 0;
        foreach (var id in notificationIds)
        {
            foreach (var (subscriber, count) in push.DeliveredPerSubscriber(id.ToString()))
                perReader[subscriber] = perReader.GetValueOrDefault(subscriber) + count;
            attempts += push.AttemptsFor(id.ToString());
        }
        var expected = readers.Select(r => r.Subscriber.Id).ToHashSet();
        var received = expected.Count(perReader.ContainsKey);
        var duplicated = perReader.Where(p => expected.Contains(p.Key)).Sum(p => p.Value - 1);
        var most = perReader.Count == 0 ? 0 : perReader.Values.Max();
        return new DeliveryReport(injected, notificationIds, expected.Count, received, expected.Count - received, duplicated, most, attempts, counters);
    }

    /// <summary>Separate alerts to the same readers: each counted on its own, the counts summed (readers once per alert).</summary>
    public static DeliveryReport CountEach(string injected, IReadOnlyList<Guid> notificationIds, IReadOnlyCollection<Reader> readers,
        FakePushService push, IReadOnlyList<NotificationCounters> counters)
    {
        var each = notificationIds.Select(id => Count(injected, [id], readers, push, [])).ToList();
        return new DeliveryReport(injected, notificationIds, each.Sum(r => r.Readers), each.Sum(r => r.Received), each.Sum(r => r.Missing),
            each.Sum(r => r.Duplicated), each.Max(r => r.MostToOneReader), each.Sum(r => r.Attempts), counters, notificationIds.Count);
    }

    public bool EveryoneReceived => Missing == 0;

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append($"injected: {Injected}\n");
        if (Alerts > 1) text.Append($"{Alerts} separate alerts, each count summed over them: ");
        text.Append($"readers={Readers} received={Received} missing={Missing} duplicated={Duplicated} most-to-one-reader={MostToOneReader} " +
                    $"requests-to-push-service={Attempts} notifications={NotificationIds.Count}");
        foreach (var counters in Counters)
            text.Append($"\n  {counters}{(counters.Targeted >= 0 && !counters.AddsUp ? $"  (counts add up to {counters.Accounted}, not {counters.Targeted})" : "")}");
        return text.ToString();
    }
}
