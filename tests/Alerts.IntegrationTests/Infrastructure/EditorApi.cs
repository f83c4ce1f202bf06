using System.Net.Http.Json;
using System.Text.Json;
using Alerts.Testing;

namespace Alerts.IntegrationTests.Infrastructure;

/// <summary>What an editor's client does: send alerts, read them back, and subscribe test readers with preferences.</summary>
public static class EditorApi
{
    public static async Task<(HttpResponseMessage Response, JsonElement Body)> SendAlertAsync(
        this HttpClient client, object alert, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/alerts") { Content = JsonContent.Create(alert) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response, body);
    }

    /// <summary>Sends an alert that must be accepted, and returns its id.</summary>
    public static async Task<Guid> SendAcceptedAlertAsync(this HttpClient client, object alert, string? idempotencyKey = null)
    {
        var (response, body) = await client.SendAlertAsync(alert, idempotencyKey);
        Assert.True((int)response.StatusCode == 202, $"Sending the alert answered {(int)response.StatusCode}: {body}");
        return body.GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> WaitForAlertAsync(this AlertsServer server, Guid id, string status, TimeSpan timeout) =>
        await server.WaitForNotificationAsync(n => n.GetProperty("id").GetGuid() == id && n.GetProperty("status").GetString() == status, timeout);

    public static async Task<JsonElement> GetAlertAsync(this AlertsServer server, Guid id) =>
        await server.Editor().GetFromJsonAsync<JsonElement>($"/api/alerts/{id}");

    public static async Task<int> AudienceAsync(this AlertsServer server, string? sections = null)
    {
        var query = sections is null ? "" : $"?sections={sections}";
        var body = await server.Editor().GetFromJsonAsync<JsonElement>($"/api/audience{query}");
        return body.GetProperty("count").GetInt32();
    }

    /// <summary>Subscribes with quiet hours from an hour ago to an hour ahead, so the reader is in quiet hours now.</summary>
    public static async Task SubscribeInQuietHoursAsync(this AlertsServer server, FakePushService push, TestSubscriber subscriber, string[] sections)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Karachi");
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, zone);
        var response = await server.CreateClient().PostAsJsonAsync("/api/subscriptions", new
        {
            subscription = new { endpoint = push.EndpointFor(subscriber), expirationTime = (object?)null, keys = new { p256dh = subscriber.P256dh, auth = subscriber.Auth } },
            sections,
            delivery = new { mode = "instant" },
            quietHours = new { from = local.AddHours(-1).ToString("HH:mm"), to = local.AddHours(1).ToString("HH:mm") },
            timeZone = "Asia/Karachi",
        });
        Assert.True(response.IsSuccessStatusCode, $"Subscribing failed: {await response.Content.ReadAsStringAsync()}");
    }

    public static IEnumerable<ReceivedPush> Of(this IEnumerable<ReceivedPush> pushes, Guid notificationId) =>
        pushes.Where(p => p.NotificationId == notificationId.ToString());
}
