using System.Text.Json;
using System.Text.Json.Nodes;
using Alerts.Contracts;
using Alerts.Observability;

namespace Alerts.Outbox;

/// <summary>Builds outbox rows and turns them back into the bus messages they carry.</summary>
public static class OutboxMessages
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static OutboxMessage Plan(Guid notificationId, DateTime now, DateTime availableAt) => new()
    {
        Kind = OutboxKind.PlanNotification, NotificationId = notificationId, Body = WithTrace("{}"), CreatedAt = now, AvailableAt = availableAt,
    };

    public static OutboxMessage Batch(DeliverNotificationBatch batch, DateTime now, DateTime availableAt) => new()
    {
        Kind = OutboxKind.DeliverBatch,
        NotificationId = batch.NotificationId,
        Body = WithTrace(JsonSerializer.Serialize(batch with { OutboxId = null }, Json)),
        CreatedAt = now,
        AvailableAt = availableAt,
    };

    /// <summary>The trace the row was written in (a W3C traceparent), so its publication joins that trace.</summary>
    public static string? TraceParent(OutboxMessage row)
    {
        try
        {
            return JsonNode.Parse(row.Body) is JsonObject body && body["traceParent"] is JsonValue value ? value.GetValue<string>() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Keeps the current trace with the row (an extra body field the message's deserializer ignores).</summary>
    private static string WithTrace(string json)
    {
        if (Telemetry.CurrentTraceParent is not { } traceParent) return json;
        var body = JsonNode.Parse(json)!.AsObject();
        body["traceParent"] = traceParent;
        return body.ToJsonString();
    }

    /// <summary>The message to send, carrying the row's id so its consumer can remove the row when done.</summary>
    public static object ToMessage(OutboxMessage row) => row.Kind switch
    {
        OutboxKind.PlanNotification => new SendNotification(row.NotificationId) { OutboxId = row.Id },
        OutboxKind.DeliverBatch => (JsonSerializer.Deserialize<DeliverNotificationBatch>(row.Body, Json)
            ?? throw new InvalidOperationException($"Outbox row {row.Id} has an empty body.")) with { OutboxId = row.Id },
        _ => throw new InvalidOperationException($"Outbox row {row.Id} has an unknown kind {row.Kind}."),
    };
}
