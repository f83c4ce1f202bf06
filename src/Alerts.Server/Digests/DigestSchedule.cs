using Alerts.Delivery;
using Alerts.Subscriptions;

namespace Alerts.Digests;

/// <summary>
/// When a digest subscriber's digests are due. Daily digests follow the reader's wall clock (08:00 in
/// Europe/London is 08:00 local in both GMT and BST); hourly digests come every 60 real minutes at the
/// reader's chosen minute, so a DST change neither skips nor doubles an hour's worth of stories.
/// </summary>
public static class DigestSchedule
{
    /// <summary>The daily time used when a subscription has none (the subscribe page's default).</summary>
    public static readonly TimeOnly DefaultDailyAt = new(8, 0);

    /// <summary>The next due time (UTC) strictly after <paramref name="afterUtc"/>; null for instant subscribers.</summary>
    public static DateTime? NextDue(Subscription subscription, DateTime afterUtc) =>
        subscription.Mode != DeliveryMode.Digest
            ? null
            : NextDue(subscription.DigestFrequency ?? DigestFrequency.Daily, subscription.DigestAt, subscription.TimeZone, afterUtc);

    /// <summary>The next due time (UTC) strictly after <paramref name="afterUtc"/>.</summary>
    public static DateTime NextDue(DigestFrequency frequency, TimeOnly? at, string timeZone, DateTime afterUtc)
    {
        afterUtc = DateTime.SpecifyKind(afterUtc, DateTimeKind.Utc);
        var zone = QuietHours.FindZone(timeZone);
        return frequency == DigestFrequency.Hourly
            ? NextHourly(at?.Minute ?? 0, zone, afterUtc)
            : NextDaily(at ?? DefaultDailyAt, zone, afterUtc);
    }

    private static DateTime NextDaily(TimeOnly at, TimeZoneInfo zone, DateTime afterUtc)
    {
        // Start from the day before in local terms: the local date of afterUtc may already be past `at`,
        // and a skipped local time can move a due time past midnight.
        var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(afterUtc, zone)).AddDays(-1);
        for (var i = 0; i < 4; i++, date = date.AddDays(1))
        {
            var due = QuietHours.LocalToUtc(date.ToDateTime(at), zone);
            if (due > afterUtc) return due;
        }
        throw new InvalidOperationException($"No daily due time found after {afterUtc:O} in {zone.Id}.");
    }

    private static DateTime NextHourly(int minute, TimeZoneInfo zone, DateTime afterUtc)
    {
        var hour = new DateTime(afterUtc.Year, afterUtc.Month, afterUtc.Day, afterUtc.Hour, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < 3; i++, hour = hour.AddHours(1))
        {
            // The local minute differs from the UTC minute in zones such as Asia/Kolkata (+05:30).
            var offsetMinutes = (int)zone.GetUtcOffset(hour).TotalMinutes;
            var utcMinute = ((minute - offsetMinutes) % 60 + 60) % 60;
            var due = hour.AddMinutes(utcMinute);
            if (due > afterUtc) return due;
        }
        throw new InvalidOperationException($"No hourly due time found after {afterUtc:O} in {zone.Id}.");
    }

    /// <summary>
    /// Which period a run at <paramref name="nowUtc"/> sends for a subscription due at <paramref name="dueUtc"/>:
    /// only the latest period that has begun, so a long downtime catches up once rather than once per
    /// missed period. That period is skipped when it began more than <paramref name="catchUpWindow"/> ago.
    /// </summary>
    public static DuePeriod PeriodDue(Subscription subscription, DateTime dueUtc, DateTime nowUtc, TimeSpan catchUpWindow) =>
        PeriodDue(subscription.DigestFrequency ?? DigestFrequency.Daily, subscription.DigestAt, subscription.TimeZone, dueUtc, nowUtc, catchUpWindow);

    /// <inheritdoc cref="PeriodDue(Subscription, DateTime, DateTime, TimeSpan)"/>
    public static DuePeriod PeriodDue(DigestFrequency frequency, TimeOnly? at, string timeZone, DateTime dueUtc, DateTime nowUtc, TimeSpan catchUpWindow)
    {
        DateTime Next(DateTime after) => NextDue(frequency, at, timeZone, after);
        var latest = dueUtc;
        // Jump close to now first, so that a month of downtime costs a handful of steps, not 720.
        var nearNow = nowUtc.AddDays(-2);
        if (latest < nearNow && Next(nearNow) is var near && near <= nowUtc) latest = near;
        while (Next(latest) is var next && next <= nowUtc) latest = next;
        return new DuePeriod(latest, Next(latest), Skipped: nowUtc - latest > catchUpWindow, MissedBefore: latest > dueUtc);
    }
}

/// <param name="Start">The due time of the period to send (UTC); the digest's unique key with the subscription.</param>
/// <param name="Next">When the following period is due.</param>
/// <param name="Skipped">The period began longer ago than the catch-up window: nothing is sent for it.</param>
/// <param name="MissedBefore">Earlier periods passed without a run (downtime); they are folded into this one.</param>
public readonly record struct DuePeriod(DateTime Start, DateTime Next, bool Skipped, bool MissedBefore);
