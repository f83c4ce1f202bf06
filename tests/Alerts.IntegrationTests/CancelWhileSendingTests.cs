using System.Net;
using Alerts.IntegrationTests.Infrastructure;

namespace Alerts.IntegrationTests;

/// <summary>One reader per batch, so an alert to many readers is many batches on the bus.</summary>
public sealed class OneReaderPerBatchFixture : ProductionModeFixture
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["Alerts:Push:BatchSize"] = "1";
}

public sealed class CancelWhileSendingTests(OneReaderPerBatchFixture fixture) : IClassFixture<OneReaderPerBatchFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Cancelling_an_alert_while_it_sends_stops_the_pushes_not_yet_sent()
    {
        var readers = Enumerable.Range(0, 40).Select(_ => TestSubscriber.Create()).ToList();
        foreach (var reader in readers) await fixture.Server.SubscribeAsync(fixture.Push, reader, ["business"]);
        // The push service asks to slow down on every first push (Retry-After: 5 s): each push waits in the
        // outbox as a retry, which leaves time to cancel while the alert is sending.
        foreach (var reader in readers) fixture.Push.Script(reader, FakeResponse.TooManyRequests(retryAfterSeconds: 5));

        var id = await fixture.Server.Editor().SendAcceptedAlertAsync(new
        {
            title = "Markets halted", body = "Trading stops after a sharp fall.", url = "https://news.example/business/halt", sections = new[] { "business" },
        });
        await fixture.Push.WaitForRequestsAsync(all => all.Count(p => p.AnsweredStatus == 429) >= 10, Timeout);
        var cancel = await fixture.Server.Editor().DeleteAsync($"/api/alerts/{id}");
        Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);

        // A later alert to the same readers shows the workers have moved past the cancelled one.
        var later = await fixture.Server.Editor().SendAcceptedAlertAsync(new
        {
            title = "Markets reopen", body = "Trading resumes.", url = "https://news.example/business/reopen", sections = new[] { "business" },
        });
        await fixture.Server.WaitForAlertAsync(later, "done", TimeSpan.FromSeconds(60));

        var cancelled = await fixture.Server.GetAlertAsync(id);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        var delivered = fixture.Push.Delivered.Of(id).Count();
        // Only pushes already in a worker's hands when the editor cancelled can go out: none were due yet.
        Assert.InRange(delivered, 0, 2);
        Assert.Equal(40, fixture.Push.Delivered.Of(later).Count());
        Assert.Equal(delivered, cancelled.GetProperty("sent").GetInt32());
    }
}
