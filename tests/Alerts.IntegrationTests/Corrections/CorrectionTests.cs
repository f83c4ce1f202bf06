using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.IntegrationTests.Infrastructure;

namespace Alerts.IntegrationTests.Corrections;

/// <summary>
/// A correction goes to exactly the readers the original was sent to (the ledger's Sent rows), with the
/// original's tag so it replaces the notification on screen; readers who clicked the original are alerted
/// again with "Correction: " before the title, the others get it quietly.
/// </summary>
public sealed class CorrectionTests(ProductionModeFixture fixture) : IClassFixture<ProductionModeFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Correction_reaches_exactly_the_originals_sent_readers_with_its_tag_and_clicked_readers_are_alerted_again()
    {
        var clicked = TestSubscriber.Create();
        var quiet = TestSubscriber.Create();
        var refused = TestSubscriber.Create();
        var otherSection = TestSubscriber.Create();
        var late = TestSubscriber.Create();
        await fixture.Server.SubscribeAsync(fixture.Push, clicked, ["business"]);
        await fixture.Server.SubscribeAsync(fixture.Push, quiet, ["business", "world"]);
        await fixture.Server.SubscribeAsync(fixture.Push, refused, ["business"]);
        await fixture.Server.SubscribeAsync(fixture.Push, otherSection, ["lifestyle"]);
        fixture.Push.Script(refused, FakeResponse.Status(400)); // the original fails for this reader: not sent
        var editor = fixture.Server.Editor();

        var original = await editor.SendAcceptedAlertAsync(new
        {
            title = "Central bank raises rates to 30%", body = "The largest rise in a decade.", url = "https://news.example/business/rates",
            sections = new[] { "business" },
        });
        await fixture.Server.WaitForAlertAsync(original, "done", Timeout);
        var clickToken = fixture.Push.ReceivedBy(clicked).Of(original).Single().Payload.GetProperty("clickToken").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Server.CreateClient().PostAsync($"/api/alerts/{original}/clicks?token={clickToken}", null)).StatusCode);
        await fixture.Server.SubscribeAsync(fixture.Push, late, ["business"]); // subscribed after the original: never reached by it

        var response = await editor.PostAsJsonAsync($"/api/alerts/{original}/corrections", new
        {
            title = "Central bank raises rates to 13%", body = "An earlier alert gave the wrong figure.",
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var correction = accepted.GetProperty("id").GetGuid();
        Assert.Equal(original, accepted.GetProperty("correctsId").GetGuid());
        await fixture.Server.WaitForAlertAsync(correction, "done", Timeout);

        var reached = fixture.Push.DeliveredPerSubscriber(correction.ToString());
        Assert.Equal(new[] { clicked.Id, quiet.Id }.Order(), reached.Keys.Order());
        Assert.All(reached.Values, count => Assert.Equal(1, count));
        Assert.Equal(2, fixture.Push.AttemptsFor(correction.ToString())); // no request at all to anyone else

        var loud = fixture.Push.ReceivedBy(clicked).Of(correction).Single().Payload;
        Assert.Equal(original.ToString(), loud.GetProperty("tag").GetString());
        Assert.True(loud.GetProperty("renotify").GetBoolean());
        Assert.Equal("Correction: Central bank raises rates to 13%", loud.GetProperty("title").GetString());
        Assert.Equal("https://news.example/business/rates", loud.GetProperty("url").GetString());
        Assert.Equal(original.ToString(), loud.GetProperty("correctsId").GetString());
        Assert.Equal("correction", loud.GetProperty("kind").GetString());

        var replaced = fixture.Push.ReceivedBy(quiet).Of(correction).Single().Payload;
        Assert.Equal(original.ToString(), replaced.GetProperty("tag").GetString());
        Assert.False(replaced.GetProperty("renotify").GetBoolean());
        Assert.Equal("Central bank raises rates to 13%", replaced.GetProperty("title").GetString());

        var originalView = await fixture.Server.GetAlertAsync(original);
        Assert.Equal([correction], originalView.GetProperty("corrections").EnumerateArray().Select(c => c.GetGuid()));
        var correctionView = await fixture.Server.GetAlertAsync(correction);
        Assert.Equal(original, correctionView.GetProperty("correctsId").GetGuid());
        Assert.Equal(2, correctionView.GetProperty("targeted").GetInt32());

        var audit = await fixture.Server.Admin().GetFromJsonAsync<JsonElement>("/api/admin/audit");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("notificationId").GetGuid() == original &&
            e.GetProperty("action").GetString() == "corrected" && e.GetProperty("linkedNotificationId").GetGuid() == correction);
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("notificationId").GetGuid() == correction &&
            e.GetProperty("action").GetString() == "accepted" && e.GetProperty("linkedNotificationId").GetGuid() == original);
    }

    [Fact]
    public async Task Correction_with_bad_input_or_of_an_alert_not_yet_sent_is_refused_with_a_reason()
    {
        var editor = fixture.Server.Editor();
        var scheduled = await editor.SendAcceptedAlertAsync(new
        {
            title = "Budget tomorrow", body = "Live coverage from nine.", url = "https://news.example/business/budget",
            sections = new[] { "business" }, sendAt = DateTimeOffset.UtcNow.AddHours(2),
        });

        var notSent = await editor.PostAsJsonAsync($"/api/alerts/{scheduled}/corrections", new { title = "Budget on Friday", body = "Moved." });
        var unknown = await editor.PostAsJsonAsync($"/api/alerts/{Guid.NewGuid()}/corrections", new { title = "T", body = "B" });
        var noTitle = await editor.PostAsJsonAsync($"/api/alerts/{scheduled}/corrections", new { body = "B", url = "javascript:alert(1)" });
        var anonymous = await fixture.Server.CreateClient().PostAsJsonAsync($"/api/alerts/{scheduled}/corrections", new { title = "T", body = "B" });

        Assert.Equal(HttpStatusCode.Conflict, notSent.StatusCode);
        Assert.Contains("scheduled", await notSent.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noTitle.StatusCode);
        Assert.Equal("application/problem+json", noTitle.Content.Headers.ContentType?.MediaType);
        var detail = (await noTitle.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains("title", detail);
        Assert.Contains("url", detail);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
