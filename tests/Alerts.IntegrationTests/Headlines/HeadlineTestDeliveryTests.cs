using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.Delivery;
using Alerts.IntegrationTests.Infrastructure;
using Alerts.Subscriptions;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.IntegrationTests.Headlines;

/// <summary>
/// A headline test end to end: a stable sample of the audience is split evenly across the headlines,
/// the one with the best click-through rate goes to everyone else, and nobody gets two.
/// </summary>
public sealed class HeadlineTestDeliveryTests(ProductionModeFixture fixture) : IClassFixture<ProductionModeFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const string TitleA = "Parliament passes the budget";
    private const string TitleB = "Budget passed: what it means for your bills";

    [Fact]
    public async Task Sample_is_split_evenly_and_the_variant_with_more_clicks_reaches_everyone_else_once()
    {
        var readers = await ImportAudienceAsync(200, "business");
        var id = await SendTestAsync("business", sample: 0.2);
        var sample = await HeadlineTestSteps.WaitForSampleSentAsync(fixture.Server, fixture.Push, id);

        // About 40 of 200 (the sample), split 50/50 by headline, and nobody else yet.
        Assert.InRange(sample.Count, 20, 62);
        var byTitle = sample.GroupBy(p => Title(p)).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(new[] { TitleA, TitleB }.Order(), byTitle.Keys.Order());
        Assert.InRange(byTitle[TitleA].Count - byTitle[TitleB].Count, -1, 1);
        var racing = await fixture.Server.GetAlertAsync(id);
        Assert.Equal("sending", racing.GetProperty("status").GetString());
        Assert.Equal(sample.Count, racing.GetProperty("targeted").GetInt32());
        Assert.Equal(byTitle[TitleA].Count, Variant(racing, 1).GetProperty("targeted").GetInt32());
        Assert.Equal(JsonValueKind.Null, racing.GetProperty("test").GetProperty("winner").ValueKind);

        // B's readers click more: 5 of B's against 2 of A's.
        await HeadlineTestSteps.ClickAsync(fixture.Server, id, byTitle[TitleA].Take(2));
        await HeadlineTestSteps.ClickAsync(fixture.Server, id, byTitle[TitleB].Take(5));
        var decide = await fixture.Server.Editor().PostAsync($"/api/alerts/{id}/test/decide", null);
        Assert.Equal(HttpStatusCode.Accepted, decide.StatusCode);
        await fixture.Server.WaitForAlertAsync(id, "done", Timeout);

        var perReader = fixture.Push.DeliveredPerSubscriber(id.ToString());
        Assert.Equal(readers.Order(), perReader.Keys.Order());
        Assert.All(perReader, r => Assert.Equal(1, r.Value)); // nobody got two headlines
        var sampled = sample.Select(p => p.SubscriberId).ToHashSet();
        var rest = fixture.Push.Delivered.Of(id).Where(p => !sampled.Contains(p.SubscriberId)).ToList();
        Assert.Equal(200 - sample.Count, rest.Count);
        Assert.All(rest, p => Assert.Equal(TitleB, Title(p)));

        var decided = await fixture.Server.GetAlertAsync(id);
        Assert.Equal(2, decided.GetProperty("winner").GetInt32());
        Assert.Equal(2, decided.GetProperty("test").GetProperty("winner").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, decided.GetProperty("test").GetProperty("decidedAt").ValueKind);
        Assert.Equal(200, decided.GetProperty("targeted").GetInt32());
        Assert.Equal(200, decided.GetProperty("sent").GetInt32());
        var a = Variant(decided, 1);
        var b = Variant(decided, 2);
        Assert.Equal((TitleA, byTitle[TitleA].Count, byTitle[TitleA].Count, 2), (a.GetProperty("title").GetString(), a.GetProperty("targeted").GetInt32(), a.GetProperty("sent").GetInt32(), a.GetProperty("clicked").GetInt32()));
        Assert.Equal(Math.Round(2.0 / byTitle[TitleA].Count, 4), a.GetProperty("rate").GetDouble(), 4);
        // After the decision the winner's figures include everyone who got it.
        Assert.Equal((200 - byTitle[TitleA].Count, 200 - byTitle[TitleA].Count, 5), (b.GetProperty("targeted").GetInt32(), b.GetProperty("sent").GetInt32(), b.GetProperty("clicked").GetInt32()));

        var list = await fixture.Server.Editor().GetFromJsonAsync<JsonElement>("/api/alerts");
        Assert.Equal(2, list.EnumerateArray().Single(n => n.GetProperty("id").GetGuid() == id).GetProperty("winner").GetInt32());
        var audit = await fixture.Server.Admin().GetFromJsonAsync<JsonElement>("/api/admin/audit");
        var entry = Assert.Single(audit.EnumerateArray(), e => e.GetProperty("notificationId").GetGuid() == id && e.GetProperty("action").GetString() == "decided");
        Assert.StartsWith("headline test: variant 2 won", entry.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_tie_goes_to_the_first_headline()
    {
        await ImportAudienceAsync(40, "health");
        var id = await SendTestAsync("health", sample: 0.5);
        var sample = await HeadlineTestSteps.WaitForSampleSentAsync(fixture.Server, fixture.Push, id);
        var sampled = sample.Select(p => p.SubscriberId).ToHashSet();

        // Every sampled reader clicks: both rates are 100 %, whatever the split.
        await HeadlineTestSteps.ClickAsync(fixture.Server, id, sample);
        Assert.Equal(HttpStatusCode.Accepted, (await fixture.Server.Editor().PostAsync($"/api/alerts/{id}/test/decide", null)).StatusCode);
        await fixture.Server.WaitForAlertAsync(id, "done", Timeout);

        var rest = fixture.Push.Delivered.Of(id).Where(p => !sampled.Contains(p.SubscriberId)).ToList();
        Assert.Equal(40 - sample.Count, rest.Count);
        Assert.All(rest, p => Assert.Equal(TitleA, Title(p)));
        Assert.Equal(1, (await fixture.Server.GetAlertAsync(id)).GetProperty("winner").GetInt32());
        var again = await fixture.Server.Editor().PostAsync($"/api/alerts/{id}/test/decide", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already decided", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Planning_again_and_at_once_from_several_places_sends_nobody_twice()
    {
        var readers = await ImportAudienceAsync(120, "sports");
        var id = await SendTestAsync("sports", sample: 0.3);
        var sample = await HeadlineTestSteps.WaitForSampleSentAsync(fixture.Server, fixture.Push, id);

        // A redelivered plan message after the sample, then the decision raced by three planners at once.
        await PlanAsync(id);
        Assert.Equal(sample.Count, (await fixture.Server.GetAlertAsync(id)).GetProperty("targeted").GetInt32());
        Assert.Equal(HttpStatusCode.Accepted, (await fixture.Server.Editor().PostAsync($"/api/alerts/{id}/test/decide", null)).StatusCode);
        await Task.WhenAll(PlanAsync(id), PlanAsync(id), PlanAsync(id));
        await fixture.Server.WaitForAlertAsync(id, "done", Timeout);
        await PlanAsync(id);

        var perReader = fixture.Push.DeliveredPerSubscriber(id.ToString());
        Assert.Equal(readers.Order(), perReader.Keys.Order());
        Assert.All(perReader, r => Assert.Equal(1, r.Value));
        var done = await fixture.Server.GetAlertAsync(id);
        Assert.Equal(120, done.GetProperty("targeted").GetInt32());
        Assert.Equal(120, done.GetProperty("sent").GetInt32());
        var audit = await fixture.Server.Admin().GetFromJsonAsync<JsonElement>("/api/admin/audit");
        Assert.Single(audit.EnumerateArray(), e => e.GetProperty("notificationId").GetGuid() == id && e.GetProperty("action").GetString() == "decided");
    }

    [Fact]
    public async Task Variants_without_a_test_or_a_test_past_the_ttl_are_refused_and_an_ordinary_alert_has_no_test()
    {
        var editor = fixture.Server.Editor();
        var (noTest, noTestBody) = await editor.SendAlertAsync(new
        {
            url = "https://news.example/world/x", sections = new[] { "world" },
            variants = new[] { new { title = TitleA, body = "B" }, new { title = TitleB, body = "B" } },
        });
        var (pastTtl, pastTtlBody) = await editor.SendAlertAsync(new
        {
            url = "https://news.example/world/x", sections = new[] { "world" }, ttlSeconds = 300,
            variants = new[] { new { title = TitleA, body = "B" }, new { title = TitleB, body = "" } },
            test = new { sample = 0.1, decideAfterMinutes = 10 },
        });
        var ordinary = await editor.SendAcceptedAlertAsync(new { title = "Ordinary", body = "B", url = "https://news.example/world/y", sections = new[] { "world" } });
        var decide = await editor.PostAsync($"/api/alerts/{ordinary}/test/decide", null);

        Assert.Equal(HttpStatusCode.BadRequest, noTest.StatusCode);
        Assert.Contains("test: variants need a test", noTestBody.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, pastTtl.StatusCode);
        var errors = pastTtlBody.GetProperty("errors");
        Assert.True(errors.TryGetProperty("test.decideAfterMinutes", out _), pastTtlBody.ToString());
        Assert.True(errors.TryGetProperty("variants[1].body", out _), pastTtlBody.ToString());
        Assert.Equal(HttpStatusCode.Conflict, decide.StatusCode);
        var view = await fixture.Server.GetAlertAsync(ordinary);
        Assert.False(view.TryGetProperty("variants", out _));
        Assert.False(view.TryGetProperty("winner", out _));
    }

    private async Task<List<Guid>> ImportAudienceAsync(int count, string section)
    {
        var response = await fixture.Server.Admin().PostAsync(SubscriptionImportApi.Route, AudienceNdjson.For(fixture.Push, count, [section], keyPool: 10));
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(result.GetProperty("imported").GetInt32() == count, result.ToString());
        // Each test has a section of its own, so an alert's audience is exactly these readers.
        return await ReadersOfSectionAsync(section);
    }

    /// <summary>The endpoint ids (what the fake push service knows readers by) of the section's subscribers.</summary>
    private async Task<List<Guid>> ReadersOfSectionAsync(string section)
    {
        await using var connection = new Npgsql.NpgsqlConnection(fixture.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("""
            SELECT s."Endpoint" FROM subscriptions s JOIN subscription_sections x ON x."SubscriptionId" = s."Id" WHERE x."SectionId" = @section
            """, connection);
        command.Parameters.AddWithValue("section", section);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(Guid.Parse(reader.GetString(0).Split('/')[^1]));
        return ids;
    }

    private async Task<Guid> SendTestAsync(string section, double sample) =>
        await fixture.Server.Editor().SendAcceptedAlertAsync(new
        {
            url = $"https://news.example/{section}/{Guid.NewGuid():N}", sections = new[] { section },
            variants = new[]
            {
                new { title = TitleA, body = "The vote was 201 to 140." },
                new { title = TitleB, body = "Fuel and electricity taxes rise in July." },
            },
            test = new { sample, decideAfterMinutes = 10 },
        });

    /// <summary>What a (redelivered) plan message does, without its outbox row.</summary>
    private async Task PlanAsync(Guid id)
    {
        await using var scope = fixture.Server.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<NotificationPlanner>().PlanAsync(id, null, CancellationToken.None);
    }

    private static string Title(Alerts.Testing.ReceivedPush push) => push.Payload.GetProperty("title").GetString() ?? "";

    private static JsonElement Variant(JsonElement alert, int number) =>
        alert.GetProperty("variants").EnumerateArray().Single(v => v.GetProperty("number").GetInt32() == number);
}
