using Alerts.Delivery;
using Alerts.Digests;
using Alerts.Notifications;

namespace Alerts.UnitTests.Delivery;

/// <summary>Past their daily limit an article waits for the end of the reader's own day, or of the quiet hours that midnight falls in.</summary>
public sealed class DailyLimitTests
{
    private static readonly TimeOnly TenPm = new(22, 0);
    private static readonly TimeOnly SevenAm = new(7, 0);

    private static DateTime Utc(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, DateTimeKind.Utc);

    [Fact]
    public void Afternoon_in_Karachi_is_held_until_local_midnight()
    {
        // 15:00 PKT (UTC+5) on 1 June; midnight PKT starting 2 June is 19:00Z on 1 June.
        Assert.Equal(Utc(2026, 6, 1, 19), DailyLimit.HeldUntil(null, null, "Asia/Karachi", Utc(2026, 6, 1, 10)));
        Assert.Equal(Utc(2026, 5, 31, 19), DailyLimit.StartOfDay("Asia/Karachi", Utc(2026, 6, 1, 10)));
    }

    [Fact]
    public void Late_evening_in_New_York_belongs_to_the_local_day_not_the_UTC_one()
    {
        // 02:00Z on 1 June is 22:00 EDT on 31 May: the day ends at 04:00Z on 1 June and began at 04:00Z on 31 May.
        Assert.Equal(Utc(2026, 6, 1, 4), DailyLimit.HeldUntil(null, null, "America/New_York", Utc(2026, 6, 1, 2)));
        Assert.Equal(Utc(2026, 5, 31, 4), DailyLimit.StartOfDay("America/New_York", Utc(2026, 6, 1, 2)));
    }

    [Fact]
    public void Midnight_inside_quiet_hours_moves_the_release_to_their_end()
    {
        // 15:00 PKT; quiet 22:00–07:00, so not at midnight but at 07:00 PKT on 2 June (02:00Z).
        Assert.Equal(Utc(2026, 6, 2, 2), DailyLimit.HeldUntil(TenPm, SevenAm, "Asia/Karachi", Utc(2026, 6, 1, 10)));
    }

    [Fact]
    public void Quiet_hours_starting_at_midnight_also_move_it()
    {
        Assert.Equal(Utc(2026, 6, 2, 1), DailyLimit.HeldUntil(new TimeOnly(0, 0), new TimeOnly(6, 0), "Asia/Karachi", Utc(2026, 6, 1, 10)));
    }

    [Fact]
    public void Quiet_hours_that_do_not_cover_midnight_leave_it_at_midnight()
    {
        Assert.Equal(Utc(2026, 6, 1, 19), DailyLimit.HeldUntil(new TimeOnly(12, 0), new TimeOnly(14, 0), "Asia/Karachi", Utc(2026, 6, 1, 10)));
    }

    [Fact]
    public void The_London_spring_change_makes_a_23_hour_day()
    {
        // 29 March 2026 begins at 00:00 GMT (00:00Z); clocks go forward at 01:00, so it ends at 00:00 BST, 23:00Z.
        Assert.Equal(Utc(2026, 3, 29, 0), DailyLimit.StartOfDay("Europe/London", Utc(2026, 3, 29, 12)));
        Assert.Equal(Utc(2026, 3, 29, 23), DailyLimit.HeldUntil(null, null, "Europe/London", Utc(2026, 3, 29, 12)));
    }

    [Fact]
    public void A_midnight_skipped_by_daylight_saving_ends_the_day_when_the_clock_reads_0100()
    {
        // Santiago moves from 24:00 on 5 September 2026 straight to 01:00 (-03), which is 04:00Z.
        Assert.Equal(Utc(2026, 9, 6, 4), DailyLimit.HeldUntil(null, null, "America/Santiago", Utc(2026, 9, 5, 20)));
        Assert.Equal(Utc(2026, 9, 6, 4), DailyLimit.StartOfDay("America/Santiago", Utc(2026, 9, 6, 15)));
    }

    [Fact]
    public void An_unknown_time_zone_counts_in_UTC()
    {
        Assert.Equal(Utc(2026, 6, 2, 0), DailyLimit.HeldUntil(null, null, "Nowhere/Atlantis", Utc(2026, 6, 1, 10)));
    }

    [Theory]
    [InlineData(NotificationKind.Article, "world-1", true)]
    [InlineData(NotificationKind.Article, null, false)] // a quiet-hours or daily-limit release of one article
    [InlineData(NotificationKind.Breaking, "world-2", false)]
    [InlineData(NotificationKind.Digest, null, false)]
    [InlineData(NotificationKind.Correction, null, false)]
    public void Only_articles_from_the_CMS_count_and_wait(NotificationKind kind, string? articleId, bool applies) =>
        Assert.Equal(applies, DailyLimit.Applies(new Notification { Kind = kind, ArticleId = articleId, Title = "t", Body = "b", Url = "https://news.example/a" }));

    [Theory]
    [InlineData(1, "1 more story past your daily limit")]
    [InlineData(3, "3 more stories past your daily limit")]
    public void The_release_says_how_many_more_stories(int count, string title) =>
        Assert.Equal(title, DigestComposer.DailyLimitTitle(count));
}
