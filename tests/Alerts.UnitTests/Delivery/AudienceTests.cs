using Alerts.Delivery;
using Alerts.Notifications;
using Alerts.Subscriptions;

namespace Alerts.UnitTests.Delivery;

public sealed class AudienceTests
{
    private static Subscription Reader(string name, DeliveryMode mode, params string[] sections)
    {
        var id = Guid.NewGuid();
        return new Subscription
        {
            Id = id, Endpoint = name, EndpointHash = name, P256dh = "", Auth = "", TokenHash = "", TimeZone = "UTC", Mode = mode,
            Sections = sections.Select(s => new SubscriptionSection { SubscriptionId = id, SectionId = s }).ToList(),
        };
    }

    private static readonly Subscription World = Reader("world", DeliveryMode.Instant, "world");
    private static readonly Subscription Sports = Reader("sports", DeliveryMode.Instant, "sports");
    private static readonly Subscription WorldAndSports = Reader("world+sports", DeliveryMode.Instant, "world", "sports");
    private static readonly Subscription WorldDigest = Reader("world digest", DeliveryMode.Digest, "world");
    private static readonly Subscription[] Everyone = [World, Sports, WorldAndSports, WorldDigest];

    private static readonly DateTime Now = new(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);

    private static List<string> Reached(NotificationKind kind, params string[]? sections) =>
        Everyone.Where(Audience.For(kind, sections, Now).Compile()).Select(s => s.Endpoint).ToList();

    private static Subscription Muting(Subscription reader, string section, DateTime until)
    {
        reader.Mutes.Add(new SectionMute { SubscriptionId = reader.Id, SectionId = section, Until = until });
        return reader;
    }

    [Fact]
    public void Article_in_world_reaches_instant_world_subscribers_only() =>
        Assert.Equal(["world", "world+sports"], Reached(NotificationKind.Article, "world"));

    [Fact]
    public void Article_in_two_sections_reaches_a_reader_of_both_once() =>
        Assert.Equal(["world", "sports", "world+sports"], Reached(NotificationKind.Article, "world", "sports"));

    [Fact]
    public void Article_in_a_section_nobody_reads_reaches_nobody() =>
        Assert.Empty(Reached(NotificationKind.Article, "health"));

    [Fact]
    public void Breaking_alert_in_world_also_reaches_digest_readers_of_world() =>
        Assert.Equal(["world", "world+sports", "world digest"], Reached(NotificationKind.Breaking, "world"));

    [Fact]
    public void Breaking_alert_to_everyone_reaches_every_reader() =>
        Assert.Equal(4, Reached(NotificationKind.Breaking, null).Count);

    [Fact]
    public void Paused_reader_gets_nothing()
    {
        var paused = Reader("paused", DeliveryMode.Instant, "world");
        paused.Paused = true;
        Assert.False(Audience.For(NotificationKind.Breaking, null, Now).Compile()(paused));
        Assert.False(Audience.For(NotificationKind.Article, ["world"], Now).Compile()(paused));
    }

    [Fact]
    public void Reader_whose_only_matching_section_is_muted_is_not_reached_until_the_mute_ends()
    {
        var reader = Muting(Reader("muted world", DeliveryMode.Instant, "world", "sports"), "world", Now.AddHours(1));
        Assert.False(Audience.For(NotificationKind.Article, ["world"], Now).Compile()(reader));
        Assert.False(Audience.For(NotificationKind.Breaking, ["world"], Now).Compile()(reader));
        Assert.True(Audience.For(NotificationKind.Article, ["world"], Now.AddHours(1).AddSeconds(1)).Compile()(reader));
    }

    [Fact]
    public void Reader_with_another_matching_section_not_muted_is_still_reached()
    {
        var reader = Muting(Reader("muted world", DeliveryMode.Instant, "world", "sports"), "world", Now.AddHours(1));
        Assert.True(Audience.For(NotificationKind.Article, ["world", "sports"], Now).Compile()(reader));
        Assert.True(Audience.For(NotificationKind.Article, ["sports"], Now).Compile()(reader));
    }

    [Fact]
    public void Alert_to_everyone_reaches_a_reader_who_muted_a_section()
    {
        var reader = Muting(Reader("muted world", DeliveryMode.Instant, "world"), "world", Now.AddHours(1));
        Assert.True(Audience.For(NotificationKind.Breaking, null, Now).Compile()(reader));
    }
}
