using Dtc.Data.Customers;

namespace Dtc.Worker.Notifications;

/// <summary>The customer's SMS quiet hours, in their own time zone.</summary>
public static class QuietHours
{
    /// <summary>When the quiet hours around <paramref name="now"/> end, or null if <paramref name="now"/> is not in them.</summary>
    public static DateTimeOffset? DeferUntil(DateTimeOffset now, NotificationPreferences preferences, string? timeZone)
    {
        var (start, end) = (Math.Clamp(preferences.QuietHoursStart, 0, 23), Math.Clamp(preferences.QuietHoursEnd, 0, 23));
        if (start == end) return null;
        var zone = FindZone(timeZone);
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var hour = local.Hour;
        var quiet = start < end ? hour >= start && hour < end : hour >= start || hour < end;
        if (!quiet) return null;
        // Past midnight (or a same-day window) the end is today; before midnight it is tomorrow.
        var endLocal = local.Date.AddDays(hour >= end ? 1 : 0).AddHours(end);
        while (zone.IsInvalidTime(endLocal)) endLocal = endLocal.AddMinutes(30); // the hour a DST jump skips
        return new DateTimeOffset(endLocal, zone.GetUtcOffset(endLocal)).ToUniversalTime();
    }

    static TimeZoneInfo FindZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return TimeZoneInfo.Utc;
        try { return TimeZoneInfo.FindSystemTimeZoneById(id); }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException) { return TimeZoneInfo.Utc; }
    }
}
