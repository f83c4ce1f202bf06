using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.IntegrationTests.Infrastructure;
using Alerts.Notifications;
using Alerts.Testing;

namespace Alerts.IntegrationTests;

/// <summary>Editors' breaking alerts, over real RabbitMQ, PostgreSQL and Hangfire, to a decrypting fake push service.</summary>
public sealed class EditorAlertTests(ProductionModeFixture fixture) : IClassFixture<ProductionModeFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private FakePushService Push => fixture.Push;
    private AlertsServer Server => fixture.Server;

    private static object Alert(string title, string[]? sections, string? url = null, DateTimeOffset? sendAt = null) => new
    {
        title,
        body = "Officials confirmed the news minutes ago.",
        url = url ?? $"https://news.example/breaking/{Guid.NewGuid():N}",
        imageUrl = "https://news.example/img/breaking.jpg",
        sections,
        sendAt,
    };

    [Fact]
    public async Task Breaking_alert_to_everyone_reaches_every_subscriber_urgently_with_a_topic_skipping_digests_and_quiet_hours()
    {
        var instant = TestSubscriber.Create();
        var digest = TestSubscriber.Create();
        var quiet = TestSubscriber.Create();
        await Server.SubscribeAsync(Push, instant, ["world"]);
        await Server.SubscribeAsync(Push, digest, ["pakistan"], new { mode = "digest", at = "08:00" });
        await Server.SubscribeInQuietHoursAsync(Push, quiet, ["entertainment"]);
        var everyone = await Server.AudienceAsync();
        const string url = "https://news.example/world/earthquake";

        var id = await Server.Editor().SendAcceptedAlertAsync(Alert("Earthquake shakes the capital", sections: null, url));

        var alert = await Server.WaitForAlertAsync(id, "done", Timeout);
        foreach (var reader in new[] { instant, digest, quiet })
        {
            var push = Assert.Single(Push.ReceivedBy(reader).Of(id));
            Assert.Equal("high", push.Urgency);
            Assert.Equal(NotificationTopics.For(url), push.Topic);
            Assert.Equal("breaking", push.Payload.GetProperty("kind").GetString());
            Assert.Equal("Earthquake shakes the capital", push.Payload.GetProperty("title").GetString());
            Assert.Equal(url, push.Payload.GetProperty("url").GetString());
            Assert.InRange(push.Ttl, 3500, 3600); // the time left of the default breaking TTL
        }
        Assert.Equal(everyone, alert.GetProperty("targeted").GetInt32());
        Assert.Equal(everyone, alert.GetProperty("sent").GetInt32());
        Assert.Equal(0, alert.GetProperty("held").GetInt32());
        Assert.Equal("desk", alert.GetProperty("createdBy").GetString());
        Assert.Equal("breaking", alert.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Section_alert_reaches_only_that_sections_subscribers()
    {
        var sports = TestSubscriber.Create();
        var business = TestSubscriber.Create();
        var sportsAndHealth = TestSubscriber.Create();
        await Server.SubscribeAsync(Push, sports, ["sports"]);
        await Server.SubscribeAsync(Push, business, ["business"]);
        await Server.SubscribeAsync(Push, sportsAndHealth, ["health", "sports"], new { mode = "digest", at = "20:00" });
        var audience = await Server.AudienceAsync("sports");

        var id = await Server.Editor().SendAcceptedAlertAsync(Alert("Pakistan win the final", ["sports"]));

        var alert = await Server.WaitForAlertAsync(id, "done", Timeout);
        Assert.Single(Push.ReceivedBy(sports).Of(id));
        Assert.Single(Push.ReceivedBy(sportsAndHealth).Of(id));
        Assert.Empty(Push.ReceivedBy(business).Of(id));
        Assert.Equal(audience, alert.GetProperty("targeted").GetInt32());
        Assert.Equal(["sports"], alert.GetProperty("sections").EnumerateArray().Select(s => s.GetString()!).ToArray());
    }

    [Fact]
    public async Task Same_idempotency_key_returns_the_first_alert_and_sends_nothing_new()
    {
        var reader = TestSubscriber.Create();
        await Server.SubscribeAsync(Push, reader, ["tv-shows"]);
        var key = Guid.NewGuid().ToString();
        var editor = Server.Editor();

        // The very same request again (another body with the key is refused: see Security/IdempotencyTests).
        var alert = Alert("Drama series renewed", ["tv-shows"]);
        var first = await editor.SendAcceptedAlertAsync(alert, key);
        await Server.WaitForAlertAsync(first, "done", Timeout);
        var (replay, body) = await editor.SendAlertAsync(alert, key);
        // A later alert to the same reader proves the replay had its chance to send and did not.
        var later = await editor.SendAcceptedAlertAsync(Alert("Cast announced", ["tv-shows"]));
        await Server.WaitForAlertAsync(later, "done", Timeout);

        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal(first, body.GetProperty("id").GetGuid());
        Assert.Equal("done", body.GetProperty("status").GetString());
        Assert.Equal(2, Push.ReceivedBy(reader).Count);
        Assert.Single(Push.ReceivedBy(reader).Of(first));
        Assert.DoesNotContain(await Server.Editor().GetFromJsonAsync<JsonElement[]>("/api/alerts?limit=500") ?? [],
            n => n.GetProperty("title").GetString() == "Drama series renewed" && n.GetProperty("id").GetGuid() != first);
    }

    [Fact]
    public async Task Scheduled_alert_goes_out_at_its_time()
    {
        var reader = TestSubscriber.Create();
        await Server.SubscribeAsync(Push, reader, ["lifestyle"]);
        var sendAt = DateTimeOffset.UtcNow.AddSeconds(3);

        var (response, body) = await Server.Editor().SendAlertAsync(Alert("Eid holidays announced", ["lifestyle"], sendAt: sendAt));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("scheduled", body.GetProperty("status").GetString());
        var id = body.GetProperty("id").GetGuid();
        var scheduled = await Server.GetAlertAsync(id);
        Assert.Equal("scheduled", scheduled.GetProperty("status").GetString());
        Assert.Equal(sendAt.UtcDateTime, scheduled.GetProperty("sendAt").GetDateTime().ToUniversalTime(), TimeSpan.FromMilliseconds(1));
        Assert.Empty(Push.ReceivedBy(reader));

        await Push.WaitForRequestsAsync(all => all.Of(id).Any(p => p.SubscriberId == reader.Id), Timeout);
        var push = Assert.Single(Push.ReceivedBy(reader));
        Assert.True(push.ReceivedAt >= sendAt, $"The alert arrived at {push.ReceivedAt:O}, before its sendAt {sendAt:O}.");
        await Server.WaitForAlertAsync(id, "done", Timeout);
    }

    [Fact]
    public async Task Cancelled_scheduled_alert_never_goes_out()
    {
        var reader = TestSubscriber.Create();
        await Server.SubscribeAsync(Push, reader, ["videos"]);
        var editor = Server.Editor();
        var cancelled = await editor.SendAcceptedAlertAsync(Alert("Live: the announcement", ["videos"], sendAt: DateTimeOffset.UtcNow.AddSeconds(3)));

        var cancel = await editor.DeleteAsync($"/api/alerts/{cancelled}");
        // Due well after the cancelled one: once it arrives, the cancelled alert's time has long passed.
        var later = await editor.SendAcceptedAlertAsync(Alert("Replay: the announcement", ["videos"], sendAt: DateTimeOffset.UtcNow.AddSeconds(6)));
        await Push.WaitForRequestsAsync(all => all.Of(later).Any(), Timeout);
        await Server.WaitForAlertAsync(later, "done", Timeout);

        Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);
        Assert.Empty(Push.Received.Of(cancelled));
        Assert.Equal(["Replay: the announcement"], Push.ReceivedBy(reader).Select(p => p.Payload.GetProperty("title").GetString()));
        var alert = await Server.GetAlertAsync(cancelled);
        Assert.Equal("cancelled", alert.GetProperty("status").GetString());
        Assert.Equal(0, alert.GetProperty("sent").GetInt32());
    }

    [Fact]
    public async Task Cancelling_a_finished_alert_is_a_conflict_and_an_unknown_one_is_not_found()
    {
        var editor = Server.Editor();
        var id = await editor.SendAcceptedAlertAsync(Alert("Parliament dissolved", ["business"]));
        await Server.WaitForAlertAsync(id, "done", Timeout);

        var finished = await editor.DeleteAsync($"/api/alerts/{id}");
        var unknown = await editor.DeleteAsync($"/api/alerts/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.Conflict, finished.StatusCode);
        Assert.Equal("application/problem+json", finished.Content.Headers.ContentType?.MediaType);
        Assert.Contains("done", await finished.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("done", (await Server.GetAlertAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Every_accepted_alert_leaves_an_audit_record_in_the_store()
    {
        var editor = Server.Editor();
        var sent = await editor.SendAcceptedAlertAsync(Alert("Budget passed", ["business", "pakistan"]));
        var cancelled = await editor.SendAcceptedAlertAsync(Alert("Budget vote tonight", null, sendAt: DateTimeOffset.UtcNow.AddHours(1)));
        Assert.Equal(HttpStatusCode.NoContent, (await editor.DeleteAsync($"/api/alerts/{cancelled}")).StatusCode);
        await Server.WaitForAlertAsync(sent, "done", Timeout);

        var entries = await WaitForAuditAsync(e => e.Any(x => x.NotificationId == sent && x.Action == "completed"));

        var accepted = Assert.Single(entries, e => e.NotificationId == sent && e.Action == "accepted");
        Assert.Equal("desk", accepted.Actor);
        Assert.Equal("Budget passed", accepted.Title);
        Assert.Equal("business,pakistan", accepted.Audience);
        var completed = Assert.Single(entries, e => e.NotificationId == sent && e.Action == "completed");
        Assert.StartsWith("done:", completed.Outcome);
        Assert.Single(entries, e => e.NotificationId == cancelled && e.Action == "accepted" && e.Audience == "everyone" && e.Outcome.StartsWith("scheduled"));
        Assert.Equal("desk", Assert.Single(entries, e => e.NotificationId == cancelled && e.Action == "cancelled").Actor);

        // The trail is rows in PostgreSQL, not memory: what a restarted server (or another replica) reads.
        await using var connection = new Npgsql.NpgsqlConnection(fixture.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("""SELECT count(*) FROM audit_log WHERE "NotificationId" IN (@sent, @cancelled)""", connection);
        command.Parameters.AddWithValue("sent", sent);
        command.Parameters.AddWithValue("cancelled", cancelled);
        Assert.Equal(4L, (long)(await command.ExecuteScalarAsync())!);
    }

    private async Task<List<AuditEntryView>> WaitForAuditAsync(Func<List<AuditEntryView>, bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        List<AuditEntryView> entries;
        do
        {
            entries = await Server.Admin().GetFromJsonAsync<List<AuditEntryView>>("/api/admin/audit?limit=1000") ?? [];
            if (condition(entries)) return entries;
            await Task.Delay(100);
        } while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"The audit trail never matched: {JsonSerializer.Serialize(entries)}");
    }

    [Fact]
    public async Task Editor_console_reads_who_is_signed_in()
    {
        var editor = await Server.Editor().GetFromJsonAsync<JsonElement>("/api/editor/me");
        var admin = await Server.Admin().GetFromJsonAsync<JsonElement>("/api/editor/me");

        Assert.Equal("desk", editor.GetProperty("name").GetString());
        Assert.Equal("Editor", editor.GetProperty("role").GetString());
        Assert.Equal("ops", admin.GetProperty("name").GetString());
        Assert.Equal("Admin", admin.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Sending_an_alert_without_a_key_is_401_and_nothing_is_stored()
    {
        var anonymous = Server.CreateClient();

        var (response, body) = await anonymous.SendAlertAsync(Alert("Unauthenticated", null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("API key", body.GetProperty("detail").GetString());
        var all = await Server.Editor().GetFromJsonAsync<JsonElement[]>("/api/alerts?limit=500") ?? [];
        Assert.DoesNotContain(all, n => n.GetProperty("title").GetString() == "Unauthenticated");
    }

    [Theory]
    [InlineData("POST", "/api/alerts")]
    [InlineData("GET", "/api/alerts")]
    [InlineData("GET", "/api/alerts/stats?hours=24")]
    [InlineData("GET", "/api/audience")]
    [InlineData("GET", "/api/editor/me")]
    [InlineData("GET", "/api/admin/audit")]
    public async Task Wrong_key_is_401_and_the_answer_never_echoes_it(string method, string path)
    {
        const string wrongKey = "not-a-real-key-9f8e7d6c5b4a";
        var client = Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", wrongKey);

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method == "POST" ? JsonContent.Create(Alert("Wrong key", null)) : null,
        });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(wrongKey, text);
        Assert.DoesNotContain(wrongKey, string.Join(" ", response.Headers.Concat(response.Content.Headers).SelectMany(h => h.Value)));
    }

    [Fact]
    public async Task Editor_key_reading_the_audit_log_is_403_and_the_answer_never_echoes_it()
    {
        var response = await Server.Editor().GetAsync("/api/admin/audit");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(AlertsServer.EditorKey, await response.Content.ReadAsStringAsync());
    }

    public static TheoryData<string, string> InvalidAlerts => new()
    {
        { """{"body":"b","url":"https://news.example/a","sections":null}""", "title" },
        { $$"""{"title":"{{new string('t', 121)}}","body":"b","url":"https://news.example/a","sections":null}""", "title" },
        { """{"title":"t","url":"https://news.example/a","sections":null}""", "body" },
        { $$"""{"title":"t","body":"{{new string('b', 401)}}","url":"https://news.example/a","sections":null}""", "body" },
        { """{"title":"t","body":"b","url":"javascript:alert(1)","sections":null}""", "url" },
        { """{"title":"t","body":"b","url":"data:text/html,<b>hi</b>","sections":null}""", "url" },
        { """{"title":"t","body":"b","url":"/world/story","sections":null}""", "url" },
        { """{"title":"t","body":"b","url":"https://news.example/a","imageUrl":"javascript:x","sections":null}""", "imageUrl" },
        { """{"title":"t","body":"b","url":"https://news.example/a","sections":["weather"]}""", "sections" },
        { """{"title":"t","body":"b","url":"https://news.example/a","sections":[]}""", "sections" },
        { """{"title":"t","body":"b","url":"https://news.example/a","sections":null,"sendAt":"2020-01-01T00:00:00Z"}""", "sendAt" },
        { """{"title":"t","body":"b","url":"https://news.example/a","sections":null,"ttlSeconds":0}""", "ttlSeconds" },
        { """{"title":"t","body":"b","url":"https://news.example/a","sections":null,"ttlSeconds":99999999}""", "ttlSeconds" },
        // 400 three-byte characters, a 2,000-character URL and image: the encrypted push would not fit in 4096 bytes.
        { $$"""{"title":"{{new string('速', 120)}}","body":"{{new string('報', 400)}}","url":"https://news.example/{{new string('a', 1900)}}","imageUrl":"https://news.example/{{new string('i', 1900)}}","sections":null}""", "body" },
    };

    [Theory]
    [MemberData(nameof(InvalidAlerts))]
    public async Task Invalid_alert_is_400_naming_the_field(string json, string field)
    {
        var response = await Server.Editor().PostAsync("/api/alerts", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Expected 400, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Contains($"{field}:", problem.GetProperty("detail").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors does not name '{field}': {text}");
    }

    [Fact]
    public async Task Alert_too_large_for_one_push_says_by_how_many_bytes()
    {
        var (response, body) = await Server.Editor().SendAlertAsync(new
        {
            title = new string('速', 120),
            body = new string('報', 400),
            url = "https://news.example/" + new string('a', 1900),
            imageUrl = "https://news.example/" + new string('i', 1900),
            sections = (string[]?)null,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Matches(@"body: the encrypted push would be \d+ bytes over the 4096-byte limit", body.GetProperty("detail").GetString());
    }
}
