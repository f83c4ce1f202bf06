using System.Net;
using Alerts.IntegrationTests.Infrastructure;
using Alerts.Testing;

namespace Alerts.IntegrationTests.Headlines;

/// <summary>What the headline-test scenarios share: waiting for the sample to be sent, and readers clicking.</summary>
internal static class HeadlineTestSteps
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Waits until every sampled reader's push was answered (the alert still undecided), and returns those pushes.</summary>
    public static async Task<List<ReceivedPush>> WaitForSampleSentAsync(AlertsServer server, FakePushService push, Guid id)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var alert = await server.GetAlertAsync(id);
            var targeted = alert.GetProperty("targeted").GetInt32();
            if (alert.GetProperty("status").GetString() == "sending" && targeted > 0 && alert.GetProperty("sent").GetInt32() == targeted &&
                push.Delivered.Of(id).Count() == targeted)
                return push.Delivered.Of(id).ToList();
            Assert.True(DateTime.UtcNow < deadline, $"The sample was not sent in time: {alert}");
            await Task.Delay(100);
        }
    }

    /// <summary>The service worker's click report for each of these pushes, with its click token.</summary>
    public static async Task ClickAsync(AlertsServer server, Guid id, IEnumerable<ReceivedPush> pushes)
    {
        var client = server.CreateClient();
        foreach (var push in pushes)
        {
            var token = push.Payload.GetProperty("clickToken").GetString();
            Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/alerts/{id}/clicks?token={token}", null)).StatusCode);
        }
    }
}
