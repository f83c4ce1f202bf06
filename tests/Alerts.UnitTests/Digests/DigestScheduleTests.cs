using Alerts.Digests;
using Alerts.Subscriptions;

namespace Alerts.UnitTests.Digests;

public sealed class DigestScheduleTests
{
    private static DateTime Utc(string iso) => DateTime.SpecifyKind(DateTime.Parse(iso, System.Globalization.CultureInfo.InvariantCulture,
        System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal), DateTimeKind.Utc);

    private static DateTime Daily(string at, string zone, string afterUtc) =>
        DigestSchedule.NextDue(DigestFrequency.Daily, TimeOnly.Parse(at), zone, Utc(afterUtc));

    private static DateTime Hourly(string? at, string zone, string afterUtc) =>
        DigestSchedule.NextDue(DigestFrequency.Hourly, at is null ? null : TimeOnly.Parse(at), zone, Utc(afterUtc));

    private static void AssertUtc(string expected, DateTime actual, string because) =>
        Assert.True(Utc(expected) == actual && actual.Kind == DateTimeKind.Utc, $"{because}: expected {expected}, got {actual:O}");

    [Theory]
    [InlineData("2026-03-07T12:00:00Z", "2026-03-08T03:00:00Z")] // the weekend New York changes: Karachi does not
    [InlineData("2026-03-28T12:00:00Z", "2026-03-29T03:00:00Z")] // the weekend London changes
    [InlineData("2026-10-24T12:00:00Z", "2026-10-25T03:00:00Z")]
    [InlineData("2026-11-01T02:59:59Z", "2026-11-01T03:00:00Z")]
    public void Daily_at_0800_in_Karachi_is_0300_utc_every_day_because_Pakistan_has_no_DST(string after, string expected) =>
        AssertUtc(expected, Daily("08:00", "Asia/Karachi", after), "08:00 PKT (UTC+5)");

    [Fact]
    public void Daily_at_0800_in_London_stays_at_0800_local_across_the_spring_change()
    {
        AssertUtc("2026-03-28T08:00:00Z", Daily("08:00", "Europe/London", "2026-03-27T09:00:00Z"), "Saturday, GMT");
        AssertUtc("2026-03-29T07:00:00Z", Daily("08:00", "Europe/London", "2026-03-28T08:00:00Z"), "Sunday, first day of BST");
        AssertUtc("2026-03-30T07:00:00Z", Daily("08:00", "Europe/London", "2026-03-29T07:00:00Z"), "Monday, BST");
    }

    [Fact]
    public void Daily_at_0800_in_London_stays_at_0800_local_across_the_autumn_change()
    {
        AssertUtc("2026-10-24T07:00:00Z", Daily("08:00", "Europe/London", "2026-10-24T00:00:00Z"), "Saturday, BST");
        AssertUtc("2026-10-25T08:00:00Z", Daily("08:00", "Europe/London", "2026-10-24T07:00:00Z"), "Sunday, first day of GMT");
    }

    [Fact]
    public void Daily_at_0800_in_New_York_stays_at_0800_local_across_both_changes()
    {
        AssertUtc("2026-03-07T13:00:00Z", Daily("08:00", "America/New_York", "2026-03-07T00:00:00Z"), "EST");
        AssertUtc("2026-03-08T12:00:00Z", Daily("08:00", "America/New_York", "2026-03-07T13:00:00Z"), "first day of EDT");
        AssertUtc("2026-10-31T12:00:00Z", Daily("08:00", "America/New_York", "2026-10-31T00:00:00Z"), "EDT");
        AssertUtc("2026-11-01T13:00:00Z", Daily("08:00", "America/New_York", "2026-10-31T12:00:00Z"), "first day of EST");
    }

    [Fact]
    public void Daily_at_a_local_time_skipped_by_the_change_moves_forward_to_when_clocks_resume()
    {
        // 02:30 does not exist in New York on 8 March 2026 (02:00 EST jumps to 03:00 EDT).
        AssertUtc("2026-03-08T07:00:00Z", Daily("02:30", "America/New_York", "2026-03-07T08:00:00Z"), "03:00 EDT");
        AssertUtc("2026-03-09T06:30:00Z", Daily("02:30", "America/New_York", "2026-03-08T07:00:00Z"), "the next day is normal again");
        // 01:30 does not exist in London on 29 March 2026 (01:00 GMT jumps to 02:00 BST).
        AssertUtc("2026-03-29T01:00:00Z", Daily("01:30", "Europe/London", "2026-03-28T02:00:00Z"), "02:00 BST");
    }

    [Fact]
    public void Daily_at_a_local_time_that_happens_twice_is_sent_once_at_the_first()
    {
        // 01:30 happens twice in New York on 1 November 2026: EDT (05:30Z), then EST (06:30Z).
        AssertUtc("2026-11-01T05:30:00Z", Daily("01:30", "America/New_York", "2026-10-31T06:00:00Z"), "first 01:30 (EDT)");
        AssertUtc("2026-11-02T06:30:00Z", Daily("01:30", "America/New_York", "2026-11-01T05:30:00Z"), "not again at the second 01:30");
    }

    [Fact]
    public void Next_due_is_strictly_after_the_given_time()
    {
        AssertUtc("2026-06-02T03:00:00Z", Daily("08:00", "Asia/Karachi", "2026-06-01T03:00:00Z"), "due exactly now means the next day");
        AssertUtc("2026-06-01T11:00:00Z", Hourly(null, "Asia/Karachi", "2026-06-01T10:00:00Z"), "hourly due exactly now means the next hour");
    }

    [Theory]
    [InlineData(null, "Asia/Karachi", "2026-06-01T10:05:00Z", "2026-06-01T11:00:00Z")]
    [InlineData("08:30", "Asia/Karachi", "2026-06-01T10:05:00Z", "2026-06-01T10:30:00Z")]
    [InlineData("08:30", "Asia/Karachi", "2026-06-01T10:45:00Z", "2026-06-01T11:30:00Z")]
    [InlineData("07:00", "Asia/Kolkata", "2026-06-01T10:05:00Z", "2026-06-01T10:30:00Z")] // :00 local is :30 UTC at +05:30
    [InlineData("07:15", "Europe/London", "2026-06-01T10:05:00Z", "2026-06-01T10:15:00Z")]
    public void Hourly_comes_every_hour_at_the_minute_of_at_or_on_the_hour(string? at, string zone, string after, string expected) =>
        AssertUtc(expected, Hourly(at, zone, after), $"hourly at :{(at is null ? "00" : at[3..])} in {zone}");

    [Fact]
    public void Hourly_in_London_keeps_every_hour_across_the_spring_change()
    {
        var due = new List<DateTime> { Utc("2026-03-28T23:00:00Z") };
        for (var i = 0; i < 3; i++) due.Add(DigestSchedule.NextDue(DigestFrequency.Hourly, null, "Europe/London", due[^1]));
        Assert.Equal([Utc("2026-03-28T23:00:00Z"), Utc("2026-03-29T00:00:00Z"), Utc("2026-03-29T01:00:00Z"), Utc("2026-03-29T02:00:00Z")], due);
    }

    [Fact]
    public void Hourly_in_New_York_keeps_every_hour_across_the_autumn_change_at_a_quarter_past()
    {
        // 01:15 EDT (05:15Z), then 01:15 EST (06:15Z): the repeated hour gets its own digest, no hour is skipped.
        AssertUtc("2026-11-01T05:15:00Z", Hourly("00:15", "America/New_York", "2026-11-01T04:20:00Z"), "01:15 EDT");
        AssertUtc("2026-11-01T06:15:00Z", Hourly("00:15", "America/New_York", "2026-11-01T05:15:00Z"), "01:15 EST");
        AssertUtc("2026-11-01T07:15:00Z", Hourly("00:15", "America/New_York", "2026-11-01T06:15:00Z"), "02:15 EST");
    }

    [Fact]
    public void Instant_subscribers_have_no_digest_time()
    {
        var instant = NewSubscription(DeliveryMode.Instant, null, null, "Europe/London");
        Assert.Null(DigestSchedule.NextDue(instant, Utc("2026-06-01T00:00:00Z")));
    }

    [Fact]
    public void Digest_without_a_frequency_is_daily_at_0800()
    {
        var digest = NewSubscription(DeliveryMode.Digest, null, null, "Asia/Karachi");
        Assert.Equal(Utc("2026-06-01T03:00:00Z"), DigestSchedule.NextDue(digest, Utc("2026-06-01T00:00:00Z")));
    }

    [Fact]
    public void After_downtime_the_latest_missed_period_is_sent_once_and_the_earlier_ones_fold_into_it()
    {
        var hourly = NewSubscription(DeliveryMode.Digest, DigestFrequency.Hourly, null, "Europe/London");
        var period = DigestSchedule.PeriodDue(hourly, Utc("2026-06-01T10:00:00Z"), Utc("2026-06-01T13:20:00Z"), TimeSpan.FromHours(6));
        Assert.Equal(new DuePeriod(Utc("2026-06-01T13:00:00Z"), Utc("2026-06-01T14:00:00Z"), Skipped: false, MissedBefore: true), period);
    }

    [Fact]
    public void A_period_due_now_is_sent_without_catching_up()
    {
        var daily = NewSubscription(DeliveryMode.Digest, DigestFrequency.Daily, new TimeOnly(8, 0), "Europe/London");
        var period = DigestSchedule.PeriodDue(daily, Utc("2026-06-01T07:00:00Z"), Utc("2026-06-01T07:00:30Z"), TimeSpan.FromHours(6));
        Assert.Equal(new DuePeriod(Utc("2026-06-01T07:00:00Z"), Utc("2026-06-02T07:00:00Z"), Skipped: false, MissedBefore: false), period);
    }

    [Fact]
    public void A_period_older_than_the_catch_up_window_is_skipped_and_the_next_one_scheduled()
    {
        var daily = NewSubscription(DeliveryMode.Digest, DigestFrequency.Daily, new TimeOnly(8, 0), "Asia/Karachi");
        var period = DigestSchedule.PeriodDue(daily, Utc("2026-06-01T03:00:00Z"), Utc("2026-06-01T10:00:00Z"), TimeSpan.FromHours(6));
        Assert.True(period.Skipped, "7 hours late with a 6-hour window must be skipped");
        Assert.Equal(Utc("2026-06-02T03:00:00Z"), period.Next);
    }

    [Fact]
    public void A_month_of_downtime_catches_up_only_the_latest_hour()
    {
        var hourly = NewSubscription(DeliveryMode.Digest, DigestFrequency.Hourly, new TimeOnly(0, 5), "America/New_York");
        var period = DigestSchedule.PeriodDue(hourly, Utc("2026-05-01T10:05:00Z"), Utc("2026-06-01T10:06:00Z"), TimeSpan.FromHours(6));
        Assert.Equal(new DuePeriod(Utc("2026-06-01T10:05:00Z"), Utc("2026-06-01T11:05:00Z"), Skipped: false, MissedBefore: true), period);
    }

    private static Subscription NewSubscription(DeliveryMode mode, DigestFrequency? frequency, TimeOnly? at, string zone) => new()
    {
        Endpoint = "https://push.example/1", EndpointHash = "h", P256dh = "p", Auth = "a", TokenHash = "t",
        Mode = mode, DigestFrequency = frequency, DigestAt = at, TimeZone = zone,
    };
}
