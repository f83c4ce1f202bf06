using System.Globalization;

namespace Alerts.Storage;

/// <summary>
/// Values as EF Core stores them in SQLite (Guids upper-case text, times as text), for the statements
/// written by hand: a parameter in another form would not match the stored rows.
/// </summary>
internal static class SqliteText
{
    public static string Of(Guid id) => id.ToString().ToUpperInvariant();

    public static string Of(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    public static string? Of(TimeOnly? time) => time?.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
}
