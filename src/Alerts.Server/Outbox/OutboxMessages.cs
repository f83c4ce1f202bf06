using System.Text.Json;
using Alerts.Contracts;
using Alerts.Observability;

namespace Alerts.Outbox;

/// <summary>Builds outbox rows and turns them back into the bus messages they carry.</summary>
public static class OutboxMessages
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static OutboxMessage Plan(Guid notificationId, DateTime now, DateTime availableAt) => new()
    {
        Kind = OutboxKind.PlanNotification, NotificationId = notificationId, CreatedAt = now, AvailableAt = availableAt,
        TraceParent = Telemetry.CurrentTraceParent,
    };

    public static OutboxMessage Batch(DeliverNotificationBatch batch, DateTime now, DateTime availableAt) => new()
    {
        Kind = OutboxKind.DeliverBatch,
        NotificationId = batch.NotificationId,
        Body = JsonSerializer.Serialize(batch with { OutboxId = null }, Json),
        TraceParent = Telemetry.CurrentTraceParent,
        CreatedAt = now,
        AvailableAt = availableAt,
    };

    /// <summary>The message to send, carrying the row's id so its consumer can remove the row when done.</summary>
    public static object ToMessage(OutboxMessage row) => row.Kind switch
    {
        OutboxKind.PlanNotification => new SendNotification(row.NotificationId) { OutboxId = row.Id },
        OutboxKind.DeliverBatch => (JsonSerializer.Deserialize<DeliverNotificationBatch>(row.Body, Json)
            ?? throw new InvalidOperationException($"Outbox row {row.Id} has an empty body.")) with { OutboxId = row.Id },
        _ => throw new InvalidOperationException($"Outbox row {row.Id} has an unknown kind {row.Kind}."),
    };
}
