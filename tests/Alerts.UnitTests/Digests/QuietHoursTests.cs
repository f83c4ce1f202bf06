using Alerts.Delivery;

namespace Alerts.UnitTests.Digests;

public sealed class QuietHoursTests
{
    private static readonly TimeOnly TenPm = new(22, 0);
    private static readonly TimeOnly SevenAm = new(7, 0);

    private static DateTime Utc(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, DateTimeKind.Utc);

    [Fact]
    public void Late_evening_in_quiet_hours_that_cross_midnight_ends_next_morning()
    {
        // 23:30 in Karachi (UTC+5) is 18:30Z; quiet until 07:00 PKT tomorrow, 02:00Z.
        Assert.Equal(Utc(2026, 6, 2, 2), QuietHours.EndIfQuiet(TenPm, SevenAm, "Asia/Karachi", Utc(2026, 6, 1, 18, 30)));
    }

    [Fact]
    public void Early_morning_in_quiet_hours_that_cross_midnight_ends_the_same_morning()
    {
        // 03:00 PKT on 2 June is 22:00Z on 1 June.
        Assert.Equal(Utc(2026, 6, 2, 2), QuietHours.EndIfQuiet(TenPm, SevenAm, "Asia/Karachi", Utc(2026, 6, 1, 22)));
    }

    [Theory]
    [InlineData(7, 0)]   // 12:00 PKT
    [InlineData(2, 0)]   // 07:00 PKT: quiet hours have just ended
    [InlineData(16, 59)] // 21:59 PKT
    public void Outside_quiet_hours_nothing_is_held(int utcHour, int utcMinute) =>
        Assert.Null(QuietHours.EndIfQuiet(TenPm, SevenAm, "Asia/Karachi", Utc(2026, 6, 1, utcHour, utcMinute)));

    [Fact]
    public void Quiet_hours_begin_at_their_start_time() =>
        Assert.Equal(Utc(2026, 6, 2, 2), QuietHours.EndIfQuiet(TenPm, SevenAm, "Asia/Karachi", Utc(2026, 6, 1, 17)));

    [Fact]
    public void Quiet_hours_through_the_London_spring_change_end_at_0700_summer_time()
    {
        // 23:00 GMT on 28 March; clocks go forward overnight, so 07:00 BST on the 29th is 06:00Z.
        Assert.Equal(Utc(2026, 3, 29, 6), QuietHours.EndIfQuiet(TenPm, SevenAm, "Europe/London", Utc(2026, 3, 28, 23)));
    }

    [Fact]
    public void Quiet_hours_through_the_New_York_autumn_change_end_at_0700_standard_time()
    {
        // 23:00 EDT on 31 October is 03:00Z on 1 November; 07:00 EST that morning is 12:00Z.
        Assert.Equal(Utc(2026, 11, 1, 12), QuietHours.EndIfQuiet(TenPm, SevenAm, "America/New_York", Utc(2026, 11, 1, 3)));
    }

    [Fact]
    public void Quiet_hours_within_one_day_hold_only_inside_them()
    {
        var from = new TimeOnly(13, 0);
        var to = new TimeOnly(14, 0);
        Assert.Equal(Utc(2026, 6, 1, 14), QuietHours.EndIfQuiet(from, to, "UTC", Utc(2026, 6, 1, 13, 30)));
        Assert.Null(QuietHours.EndIfQuiet(from, to, "UTC", Utc(2026, 6, 1, 12, 59)));
        Assert.Null(QuietHours.EndIfQuiet(from, to, "UTC", Utc(2026, 6, 1, 23)));
    }

    [Fact]
    public void No_quiet_hours_hold_nothing() =>
        Assert.Null(QuietHours.EndIfQuiet(null, null, "Asia/Karachi", Utc(2026, 6, 1, 20)));
}
