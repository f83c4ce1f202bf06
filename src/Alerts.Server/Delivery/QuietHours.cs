using Alerts.Subscriptions;

namespace Alerts.Delivery;

/// <summary>A reader's quiet hours, in their own time zone; they may cross midnight (22:00–07:00).</summary>
public static class QuietHours
{
    /// <summary>When the reader's current quiet hours end (UTC), or null when they are not in quiet hours.</summary>
    public static DateTime? EndIfQuiet(TimeOnly? from, TimeOnly? to, string timeZone, DateTime nowUtc)
    {
        if (from is not { } start || to is not { } end || start == end) return null;
        var (zone, local) = ToLocal(timeZone, nowUtc);
        var time = TimeOnly.FromDateTime(local);
        var quiet = start < end ? time >= start && time < end : time >= start || time < end;
        if (!quiet) return null;

        var endDate = DateOnly.FromDateTime(local);
        if (time >= end) endDate = endDate.AddDays(1);
        return LocalToUtc(endDate.ToDateTime(end), zone);
    }

    public static DateTime? EndIfQuiet(Subscription s, DateTime nowUtc) => EndIfQuiet(s.QuietFrom, s.QuietTo, s.TimeZone, nowUtc);

    /// <summary>The reader's zone and their wall-clock time at <paramref name="nowUtc"/>.</summary>
    public static (TimeZoneInfo Zone, DateTime Local) ToLocal(string timeZone, DateTime nowUtc)
    {
        var zone = FindZone(timeZone);
        return (zone, TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc), zone));
    }

    public static TimeZoneInfo FindZone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>Local wall time to UTC; a time skipped by a DST change moves forward to when it exists.</summary>
    public static DateTime LocalToUtc(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(15);
        // An ambiguous time (clocks going back) is taken at its first occurrence.
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return DateTime.SpecifyKind(local - offset, DateTimeKind.Utc);
    }
}
