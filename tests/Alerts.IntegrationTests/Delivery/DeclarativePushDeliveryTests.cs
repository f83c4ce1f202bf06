using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.IntegrationTests.Infrastructure;

namespace Alerts.IntegrationTests.Delivery;

/// <summary>
/// A second push service on 127.0.0.2 plays Apple's: Alerts:Push:DeclarativePushHosts names its host, as the
/// default names *.push.apple.com in production.
/// </summary>
public sealed class ApplePushServiceFixture : ProductionModeFixture
{
    public FakePushService Apple { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Apple = await FakePushService.StartAsync(AlertsServer.VapidSubject, listenOn: IPAddress.Parse("127.0.0.2"));
        await base.InitializeAsync();
    }

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Alerts:Push:AllowedOrigins:1"] = Apple.Origin;
        settings["Alerts:Push:DeclarativePushHosts:0"] = "127.0.0.2";
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Apple.DisposeAsync();
    }
}

/// <summary>Readers on Apple's push service get a Declarative Web Push message; everyone else the plain payload.</summary>
public sealed class DeclarativePushDeliveryTests(ApplePushServiceFixture fixture) : IClassFixture<ApplePushServiceFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Apple_reader_gets_the_declarative_shape_and_others_the_plain_one()
    {
        var safari = TestSubscriber.Create();
        var chrome = TestSubscriber.Create();
        await fixture.Server.SubscribeAsync(fixture.Apple, safari, ["world"]);
        await fixture.Server.SubscribeAsync(fixture.Push, chrome, ["world"]);

        var id = await fixture.Server.Editor().SendAcceptedAlertAsync(new
        {
            title = "Summit agreed", body = "Leaders meet in Paris.", url = "https://news.example/world/summit", sections = new[] { "world" },
        });
        await fixture.Server.WaitForAlertAsync(id, "done", Timeout);

        var declarative = Assert.Single(fixture.Apple.ReceivedBy(safari).Of(id)).Payload;
        Assert.Equal(8030, declarative.GetProperty("web_push").GetInt32());
        var shown = declarative.GetProperty("notification");
        Assert.Equal("Summit agreed", shown.GetProperty("title").GetString());
        Assert.Equal("Leaders meet in Paris.", shown.GetProperty("body").GetString());
        Assert.Equal("https://news.example/world/summit", shown.GetProperty("navigate").GetString());
        Assert.Equal(id.ToString(), shown.GetProperty("tag").GetString());
        Assert.True(declarative.GetProperty("mutable").GetBoolean());
        Assert.Equal("mute", declarative.GetProperty("actions")[1].GetProperty("action").GetString());

        var plain = Assert.Single(fixture.Push.ReceivedBy(chrome).Of(id)).Payload;
        Assert.False(plain.TryGetProperty("web_push", out _));
        Assert.Equal("Summit agreed", plain.GetProperty("title").GetString());
        Assert.Equal("https://news.example/world/summit", plain.GetProperty("url").GetString());

        // The declarative push carries the reader's own click token, so its click counts.
        var token = declarative.GetProperty("clickToken").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Server.CreateClient().PostAsync($"/api/alerts/{id}/clicks?token={token}", null)).StatusCode);
        Assert.Equal(1, (await fixture.Server.GetAlertAsync(id)).GetProperty("clicked").GetInt32());
    }

    [Fact]
    public async Task Apple_reader_who_clicked_gets_a_correction_that_renotifies_and_one_who_did_not_a_silent_one()
    {
        var clicked = TestSubscriber.Create();
        var quiet = TestSubscriber.Create();
        await fixture.Server.SubscribeAsync(fixture.Apple, clicked, ["entertainment"]);
        await fixture.Server.SubscribeAsync(fixture.Apple, quiet, ["entertainment"]);
        var editor = fixture.Server.Editor();
        var original = await editor.SendAcceptedAlertAsync(new
        {
            title = "Award goes to the wrong film", body = "A mix-up on stage.", url = "https://news.example/entertainment/awards", sections = new[] { "entertainment" },
        });
        await fixture.Server.WaitForAlertAsync(original, "done", Timeout);
        var token = fixture.Apple.ReceivedBy(clicked).Of(original).Single().Payload.GetProperty("clickToken").GetString();
        await fixture.Server.CreateClient().PostAsync($"/api/alerts/{original}/clicks?token={token}", null);

        var response = await editor.PostAsJsonAsync($"/api/alerts/{original}/corrections", new { title = "Award goes to the right film", body = "The mix-up was corrected." });
        var correction = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await fixture.Server.WaitForAlertAsync(correction, "done", Timeout);

        var loud = fixture.Apple.ReceivedBy(clicked).Of(correction).Single().Payload.GetProperty("notification");
        var silent = fixture.Apple.ReceivedBy(quiet).Of(correction).Single().Payload.GetProperty("notification");
        Assert.Equal(original.ToString(), loud.GetProperty("tag").GetString());
        Assert.True(loud.GetProperty("renotify").GetBoolean());
        Assert.Equal("Correction: Award goes to the right film", loud.GetProperty("title").GetString());
        Assert.Equal(original.ToString(), silent.GetProperty("tag").GetString());
        Assert.True(silent.GetProperty("silent").GetBoolean());
        Assert.Equal("Award goes to the right film", silent.GetProperty("title").GetString());
    }
}
