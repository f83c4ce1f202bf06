using System.Text.Json;
using Alerts.Delivery;
using Alerts.Notifications;
using Alerts.Sections;

namespace Alerts.UnitTests.Delivery;

public sealed class PushActionsTests
{
    private static readonly SectionCatalog Catalog = new(SectionCatalog.SeedSite);

    private static Notification Alert(string? sections, NotificationKind kind = NotificationKind.Breaking) => new()
    {
        Id = Guid.NewGuid(), Kind = kind, Title = "Title", Body = "Body", Url = "https://news.example/a", Sections = sections,
    };

    [Fact]
    public void Sectioned_alert_offers_read_and_mute_of_its_first_section_for_a_day()
    {
        var actions = PushActions.For(Alert("tv-shows,world"), Catalog);

        Assert.Equal([new PushAction("read", "Read"), new PushAction("mute", "Mute TV Shows for a day", "tv-shows", 24)], actions);
    }

    [Fact]
    public void Alert_to_everyone_and_digest_offer_no_mute()
    {
        Assert.Equal([new PushAction("read", "Read")], PushActions.For(Alert(null), Catalog));
        Assert.Equal([new PushAction("read", "Read")], PushActions.For(Alert("world", NotificationKind.Digest), Catalog));
    }

    [Fact]
    public void Actions_are_in_the_payload_and_the_click_token_stays_last()
    {
        var json = JsonDocument.Parse(PushPayloadBuilder.Serialize(NotificationPayloads.For(Alert("world"), new PushOptions(), Catalog))).RootElement;

        Assert.Equal("Mute World for a day", json.GetProperty("actions")[1].GetProperty("title").GetString());
        Assert.Equal("world", json.GetProperty("actions")[1].GetProperty("section").GetString());
        Assert.Equal("clickToken", json.EnumerateObject().Last().Name);
    }

    [Fact]
    public void Correction_carries_the_originals_tag_quietly_and_clicked_readers_get_the_prefix()
    {
        var original = Guid.NewGuid();
        var correction = Alert("world", NotificationKind.Correction);
        correction.CorrectsId = original;

        var quiet = NotificationPayloads.For(correction, new PushOptions(), Catalog);
        var loud = NotificationPayloads.ForClickedReaders(quiet);

        Assert.Equal(original.ToString(), quiet.Tag);
        Assert.Equal(original.ToString(), quiet.CorrectsId);
        Assert.False(quiet.Renotify);
        Assert.Equal("Title", quiet.Title);
        Assert.True(loud.Renotify);
        Assert.Equal("Correction: Title", loud.Title);
        Assert.Equal(original.ToString(), loud.Tag);
    }
}
