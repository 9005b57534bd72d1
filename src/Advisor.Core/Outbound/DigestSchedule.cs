using System.Globalization;

namespace Advisor.Core.Outbound;

/// <summary>When the weekly digest is due: a day of the week and an hour, in UTC.</summary>
public static class DigestSchedule
{
    /// <summary>The latest time at or before <paramref name="now"/> that falls on <paramref name="day"/> at <paramref name="hour"/>:00 UTC.</summary>
    public static DateTimeOffset LatestDue(DateTimeOffset now, DayOfWeek day, int hour)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(hour);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hour, 23);
        var utc = now.ToUniversalTime();
        var back = ((int)utc.DayOfWeek - (int)day + 7) % 7;
        var due = new DateTimeOffset(utc.Year, utc.Month, utc.Day, hour, 0, 0, TimeSpan.Zero).AddDays(-back);
        return due <= utc ? due : due.AddDays(-7);
    }

    /// <summary>The ISO week a due time is in ("2026-W21"): each week's digest has its own, so it is sent once.</summary>
    public static string WeekOf(DateTimeOffset due)
    {
        var date = due.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(date)}-W{ISOWeek.GetWeekOfYear(date):00}");
    }
}
