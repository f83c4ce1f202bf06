using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Alerts.IntegrationTests.Security;

/// <summary>An Idempotency-Key stands for one request: a replay says so, another body with the same key is refused.</summary>
public sealed class IdempotencyTests : IAsyncLifetime
{
    private EmbeddedServer _server = null!;

    public async Task InitializeAsync() => _server = await EmbeddedServer.StartAsync();

    private async Task<HttpResponseMessage> SendAsync(object alert, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/alerts") { Content = JsonContent.Create(alert) };
        request.Headers.Add("Idempotency-Key", key);
        return await _server.Server.Editor().SendAsync(request);
    }

    [Fact]
    public async Task Replay_answers_the_first_alert_and_says_it_is_a_replay()
    {
        var alert = new { title = "Polls close", body = "Counting starts", url = "https://news.example/polls", sections = new[] { "pakistan" } };
        var first = await SendAsync(alert, "replay-1");
        var again = await SendAsync(alert, "replay-1");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(Id(await first.Content.ReadAsStringAsync()), Id(await again.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Same_key_with_another_body_answers_422()
    {
        var first = await SendAsync(new { title = "Polls close", body = "Counting starts", url = "https://news.example/polls", sections = new[] { "pakistan" } }, "reused-1");
        var other = await SendAsync(new { title = "Markets fall", body = "Shares drop", url = "https://news.example/markets", sections = new[] { "business" } }, "reused-1");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Contains("different alert", await other.Content.ReadAsStringAsync());
        var alerts = await _server.Server.Editor().GetFromJsonAsync<JsonElement>("/api/alerts");
        Assert.DoesNotContain(alerts.EnumerateArray(), a => a.GetProperty("title").GetString() == "Markets fall");
    }

    private static Guid Id(string json) => JsonDocument.Parse(json).RootElement.GetProperty("id").GetGuid();

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
