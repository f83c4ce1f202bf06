using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Alerts.IntegrationTests.Security;

/// <summary>
/// A known endpoint cannot be taken over: other keys need the subscription's token (409 otherwise);
/// the same keys refresh it; however the endpoint and keys are spelt, they are one subscription.
/// </summary>
public sealed class EndpointTakeoverTests : IAsyncLifetime
{
    private EmbeddedServer _server = null!;

    public async Task InitializeAsync() => _server = await EmbeddedServer.StartAsync();

    private async Task<HttpResponseMessage> PostAsync(string endpoint, string p256dh, string auth, string? token = null, string section = "world")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/subscriptions")
        {
            Content = JsonContent.Create(new
            {
                subscription = new { endpoint, keys = new { p256dh, auth } },
                sections = new[] { section },
                delivery = new { mode = "instant" },
            }),
        };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _server.Server.CreateClient().SendAsync(request);
    }

    private async Task<HttpStatusCode> ReadWithAsync(Guid id, string token)
    {
        var client = _server.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await client.GetAsync($"/api/subscriptions/{id}")).StatusCode;
    }

    [Fact]
    public async Task Other_keys_without_the_token_answer_409_and_change_nothing()
    {
        var reader = TestSubscriber.Create();
        var attacker = TestSubscriber.Create();
        var endpoint = _server.Push.EndpointFor(reader);
        var created = await _server.Server.SubscribeAsync(_server.Push, reader, ["world"]);

        var response = await PostAsync(endpoint, attacker.P256dh, attacker.Auth, section: "sports");
        var wrongToken = await PostAsync(endpoint, attacker.P256dh, attacker.Auth, token: "not-the-token", section: "sports");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, wrongToken.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(created.Id.ToString(), body);
        Assert.Equal(HttpStatusCode.OK, await ReadWithAsync(created.Id, created.Token));

        // The reader still gets the pushes, encrypted to the reader's keys.
        await _server.Server.Editor().PostAsJsonAsync("/api/alerts", new { title = "Still mine", body = "b", url = "https://news.example/a", sections = new[] { "world" } });
        await _server.Push.WaitForDeliveredAsync(1, TimeSpan.FromSeconds(20));
        Assert.Equal("Still mine", _server.Push.ReceivedBy(reader).Single().Payload.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Other_keys_with_the_token_replace_the_keys()
    {
        var reader = TestSubscriber.Create();
        var renewed = TestSubscriber.Create();
        var endpoint = _server.Push.EndpointFor(reader);
        var created = await _server.Server.SubscribeAsync(_server.Push, reader, ["world"]);

        var response = await PostAsync(endpoint, renewed.P256dh, renewed.Auth, token: created.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(created.Id, json.GetProperty("id").GetGuid());
        var newToken = json.GetProperty("token").GetString()!;
        Assert.NotEqual(created.Token, newToken);
        Assert.Equal(HttpStatusCode.OK, await ReadWithAsync(created.Id, newToken));
        Assert.Equal(HttpStatusCode.OK, await ReadWithAsync(created.Id, created.Token));
    }

    [Fact]
    public async Task Same_keys_refresh_with_a_new_token_and_the_old_one_keeps_working()
    {
        var reader = TestSubscriber.Create();
        var created = await _server.Server.SubscribeAsync(_server.Push, reader, ["world"]);

        var response = await PostAsync(_server.Push.EndpointFor(reader), reader.P256dh, reader.Auth, section: "sports");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(created.Id, json.GetProperty("id").GetGuid());
        Assert.Equal(["sports"], json.GetProperty("sections").EnumerateArray().Select(s => s.GetString()));
        var newToken = json.GetProperty("token").GetString()!;
        Assert.NotEqual(created.Token, newToken);
        Assert.Equal(HttpStatusCode.OK, await ReadWithAsync(created.Id, created.Token));
        Assert.Equal(HttpStatusCode.OK, await ReadWithAsync(created.Id, newToken));
    }

    [Fact]
    public async Task Other_spellings_of_the_endpoint_and_keys_are_the_same_subscription()
    {
        var reader = TestSubscriber.Create();
        var endpoint = _server.Push.EndpointFor(reader);
        var created = await _server.Server.SubscribeAsync(_server.Push, reader, ["world"]);
        var shouted = endpoint.Replace("http://", "HTTP://").Replace("/push/", "/%70ush/");
        var padded = (string key) => key + new string('=', (4 - key.Length % 4) % 4);

        var response = await PostAsync(shouted, padded(reader.P256dh), padded(reader.Auth));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(created.Id, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
