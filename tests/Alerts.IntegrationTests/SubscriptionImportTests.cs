using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Alerts.IntegrationTests.Infrastructure;
using Alerts.IntegrationTests.Security;
using Alerts.Storage;
using Alerts.Subscriptions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.IntegrationTests;

/// <summary>
/// POST /api/admin/subscriptions/import against each store: lines checked like the public route,
/// counted, reported by number; known endpoints updated; imported readers reached by the next alert.
/// </summary>
public abstract class SubscriptionImportTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    protected abstract AlertsServer Server { get; }
    protected abstract FakePushService Push { get; }

    [Fact]
    public async Task Mixed_lines_are_counted_and_each_bad_one_is_reported_by_its_number()
    {
        var world = TestSubscriber.Create();
        var digest = TestSubscriber.Create();
        var body = Ndjson(
            Line(Push.EndpointFor(world), world, ["world"]),
            "",
            "{\"subscription\": ",
            Line(Push.EndpointFor(digest), digest, ["world", "sports"], new { mode = "digest", at = "08:00" }),
            Line(Push.EndpointFor(TestSubscriber.Create()), TestSubscriber.Create(), ["cricket"]),
            Line("https://evil.example.com/push/1", TestSubscriber.Create(), ["world"]),
            "   ",
            Line(Push.EndpointFor(TestSubscriber.Create()), TestSubscriber.Create(), ["world"], timeZone: "Mars/Olympus"),
            "null");

        var (status, result) = await ImportAsync(body);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, result.GetProperty("imported").GetInt32());
        Assert.Equal(0, result.GetProperty("updated").GetInt32());
        Assert.Equal(5, result.GetProperty("rejected").GetInt32());
        var errors = result.GetProperty("errors").EnumerateArray().Select(e => (Line: e.GetProperty("line").GetInt32(), Detail: e.GetProperty("detail").GetString()!)).ToList();
        Assert.Equal([3, 5, 6, 8, 9], errors.Select(e => e.Line));
        Assert.StartsWith("not a JSON subscribe body", errors[0].Detail);
        Assert.Contains("sections: 'cricket' is not a section", errors[1].Detail);
        Assert.Contains("subscription.endpoint: points at https://evil.example.com, which is not an allowed push service", errors[2].Detail);
        Assert.Contains("timeZone: 'Mars/Olympus' is not an IANA time zone", errors[3].Detail);
        Assert.Contains("body: a JSON object with subscription, sections and delivery is required", errors[4].Detail);

        var stored = await StoredAsync(Push.EndpointFor(digest));
        Assert.Equal(DeliveryMode.Digest, stored.Mode);
        Assert.Equal(["sports", "world"], stored.Sections.Select(s => s.SectionId).Order());
        Assert.NotNull(stored.NextDigestAt);
        Assert.True(stored.NextDigestAt > DateTime.UtcNow && stored.NextDigestAt <= DateTime.UtcNow.AddDays(1), $"next digest at {stored.NextDigestAt:O}");
        Assert.Null((await StoredAsync(Push.EndpointFor(world))).NextDigestAt);
    }

    [Fact]
    public async Task Importing_known_endpoints_again_updates_them_even_with_other_keys()
    {
        var reader = TestSubscriber.Create();
        var endpoint = Push.EndpointFor(reader);
        var subscribed = await Server.SubscribeAsync(Push, reader, ["world"]);
        var before = await StoredAsync(endpoint);
        var newKeys = TestSubscriber.Create();
        var other = TestSubscriber.Create();
        var audience = await Server.AudienceAsync();

        var (_, first) = await ImportAsync(Ndjson(
            Line(endpoint, newKeys, ["business", "health"], new { mode = "digest", frequency = "hourly" }),
            Line(Push.EndpointFor(other), other, ["world"]),
            Line(Push.EndpointFor(other), other, ["sports"])));
        var (_, again) = await ImportAsync(Ndjson(Line(Push.EndpointFor(other), other, ["pakistan"])));

        Assert.Equal((1, 2, 0), Counts(first));
        Assert.Equal((0, 1, 0), Counts(again));
        Assert.Equal(audience + 1, await Server.AudienceAsync());
        var after = await StoredAsync(endpoint);
        Assert.Equal(subscribed.Id, after.Id);
        Assert.Equal(before.CreatedAt, after.CreatedAt);
        Assert.Equal(before.TokenHash, after.TokenHash);
        Assert.Equal(newKeys.P256dh, after.P256dh);
        Assert.Equal(newKeys.Auth, after.Auth);
        Assert.Equal(DeliveryMode.Digest, after.Mode);
        Assert.Equal(DigestFrequency.Hourly, after.DigestFrequency);
        Assert.NotNull(after.NextDigestAt);
        Assert.Equal(["business", "health"], after.Sections.Select(s => s.SectionId).Order());
        Assert.Equal(["pakistan"], (await StoredAsync(Push.EndpointFor(other))).Sections.Select(s => s.SectionId));
    }

    [Fact]
    public async Task Imported_readers_receive_the_next_alert_encrypted_for_their_keys()
    {
        var readers = Enumerable.Range(0, 3).Select(_ => TestSubscriber.Create()).ToList();
        var (status, result) = await ImportAsync(Ndjson(readers.Select(r => Line(Push.EndpointFor(r), r, ["tv-shows"])).ToArray()));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((3, 0, 0), Counts(result));
        // And a larger audience sharing a few key pairs, as a benchmark imports one.
        var crowd = await Server.Admin().PostAsync(SubscriptionImportApi.Route, AudienceNdjson.For(Push, 50, ["tv-shows"], keyPool: 5));
        Assert.Equal((50, 0, 0), Counts(await crowd.Content.ReadFromJsonAsync<JsonElement>()));

        var id = await Server.Editor().SendAcceptedAlertAsync(new
        {
            title = "Season finale tonight", body = "The last episode airs at nine.", url = $"https://news.example/tv/{Guid.NewGuid():N}", sections = new[] { "tv-shows" },
        });

        var alert = await Server.WaitForAlertAsync(id, "done", Timeout);
        foreach (var reader in readers)
            Assert.Equal("Season finale tonight", Assert.Single(Push.ReceivedBy(reader).Of(id)).Payload.GetProperty("title").GetString());
        Assert.Equal(53, alert.GetProperty("sent").GetInt32());
        Assert.Equal(53, Push.Received.Of(id).Count(p => p.WasDelivered));
    }

    [Fact]
    public async Task Only_an_admin_key_may_import_and_only_ndjson()
    {
        var line = Ndjson(Line(Push.EndpointFor(TestSubscriber.Create()), TestSubscriber.Create(), ["world"]));

        var editor = await Server.Editor().PostAsync(SubscriptionImportApi.Route, Content(line));
        var anonymous = await Server.CreateClient().PostAsync(SubscriptionImportApi.Route, Content(line));
        var json = await Server.Admin().PostAsync(SubscriptionImportApi.Route, new StringContent(line, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, editor.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Equal("application/problem+json", json.Content.Headers.ContentType?.MediaType);
        Assert.Contains("application/x-ndjson", await json.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_body_of_several_chunks_is_read_as_it_streams()
    {
        // A few real key pairs, reused across distinct endpoints: keys need not be unique, endpoints are.
        var keys = Enumerable.Range(0, 10).Select(_ => TestSubscriber.Create()).ToList();
        var total = 2 * SubscriptionImport.ChunkSize + 500;
        var repeated = $"{Push.Origin}/push/{Guid.NewGuid()}";
        var bad = new HashSet<int> { SubscriptionImport.ChunkSize, SubscriptionImport.ChunkSize + 1, total };
        var tooLong = 2 * SubscriptionImport.ChunkSize - 7;
        string LineAt(int number) =>
            bad.Contains(number) ? "{\"subscription\":{}}"
            : number == tooLong ? Line($"{Push.Origin}/push/{new string('a', SubscriptionImport.MaxLineBytes)}", keys[0], ["videos"])
            : Line(number is 10 or 4010 ? repeated : $"{Push.Origin}/push/{Guid.NewGuid()}", keys[number % keys.Count], ["videos"]);
        var content = new StreamedLines(total, LineAt);
        var request = new HttpRequestMessage(HttpMethod.Post, SubscriptionImportApi.Route) { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await Server.Admin().SendAsync(request);

        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, result.ToString());
        Assert.Equal((total - 5, 1, 4), Counts(result));
        Assert.Equal([SubscriptionImport.ChunkSize, SubscriptionImport.ChunkSize + 1, tooLong, total],
            result.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("line").GetInt32()));
        Assert.Contains("longer than", result.GetProperty("errors")[2].GetProperty("detail").GetString());
        Assert.Equal(["videos"], (await StoredAsync(repeated)).Sections.Select(s => s.SectionId));
    }

    private async Task<(HttpStatusCode Status, JsonElement Result)> ImportAsync(string ndjson)
    {
        var response = await Server.Admin().PostAsync(SubscriptionImportApi.Route, Content(ndjson));
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private async Task<Subscription> StoredAsync(string endpoint)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var hash = SubscriptionTokens.Hash(CanonicalPushTarget.Endpoint(endpoint));
        return await db.Subscriptions.AsNoTracking().Include(s => s.Sections).SingleAsync(s => s.EndpointHash == hash);
    }

    private static (int Imported, int Updated, int Rejected) Counts(JsonElement result) =>
        (result.GetProperty("imported").GetInt32(), result.GetProperty("updated").GetInt32(), result.GetProperty("rejected").GetInt32());

    private static StringContent Content(string ndjson) => new(ndjson, Encoding.UTF8, SubscriptionImportApi.NdjsonMediaType);

    private static string Ndjson(params string[] lines) => string.Join("\n", lines) + "\n";

    internal static string Line(string endpoint, TestSubscriber keys, string[] sections, object? delivery = null, string timeZone = "Asia/Karachi") =>
        JsonSerializer.Serialize(new
        {
            subscription = new { endpoint, expirationTime = (object?)null, keys = new { p256dh = keys.P256dh, auth = keys.Auth } },
            sections,
            delivery = delivery ?? new { mode = "instant" },
            timeZone,
        });

    /// <summary>Writes lines as the request is sent, without a length: the server reads them before the body ends.</summary>
    private sealed class StreamedLines : HttpContent
    {
        private readonly int _count;
        private readonly Func<int, string> _lineAt;

        public StreamedLines(int count, Func<int, string> lineAt)
        {
            (_count, _lineAt) = (count, lineAt);
            Headers.ContentType = new MediaTypeHeaderValue(SubscriptionImportApi.NdjsonMediaType);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var number = 1; number <= _count; number++)
                await stream.WriteAsync(Encoding.UTF8.GetBytes(_lineAt(number) + (number % 3 == 0 ? "\r\n" : "\n")));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

/// <summary>The import on PostgreSQL (with RabbitMQ), as a large publisher runs it.</summary>
public sealed class PostgresSubscriptionImportTests(ProductionModeFixture fixture) : SubscriptionImportTests, IClassFixture<ProductionModeFixture>
{
    protected override AlertsServer Server => fixture.Server;
    protected override FakePushService Push => fixture.Push;
}

/// <summary>The import in the embedded mode (SQLite file, in-memory bus).</summary>
public sealed class EmbeddedSubscriptionImportTests : SubscriptionImportTests, IAsyncLifetime
{
    private EmbeddedServer _embedded = null!;

    protected override AlertsServer Server => _embedded.Server;
    protected override FakePushService Push => _embedded.Push;

    public async Task InitializeAsync() => _embedded = await EmbeddedServer.StartAsync();

    public async Task DisposeAsync() => await _embedded.DisposeAsync();
}
