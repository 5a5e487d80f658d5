using System.Globalization;

namespace Dtc.Lis.Hl7;

/// <summary>HL7 DT and TS/DTM values: YYYYMMDD[HH[MM[SS[.S[S[S[S]]]]]]][+/-ZZZZ].</summary>
public static class Hl7Time
{
    // Keeps every offset arithmetic inside DateTimeOffset's range; no lab result is older than this.
    private const int MinYear = 1800;
    private const int MaxYear = 9998;

    /// <summary>
    /// Parses a timestamp. A value without an offset is taken as UTC (agreed with the LIS).
    /// Dates shorter than a day (YYYY, YYYYMM) are refused: "November 2026" is not a result time.
    /// </summary>
    public static bool TryParseTimestamp(string text, out DateTimeOffset value)
    {
        value = default;
        var s = text.AsSpan().Trim();
        var offset = TimeSpan.Zero;
        var sign = s.IndexOfAny('+', '-');
        if (sign >= 0)
        {
            if (!TryParseOffset(s[sign..], out offset))
                return false;
            s = s[..sign];
        }

        var ticks = 0L;
        var dot = s.IndexOf('.');
        if (dot >= 0)
        {
            var fraction = s[(dot + 1)..];
            s = s[..dot];
            if (s.Length != 14 || fraction.Length is < 1 or > 4 || !TryDigits(fraction, out var f))
                return false;
            ticks = f * (long)Math.Pow(10, 7 - fraction.Length);
        }

        if (s.Length is not (8 or 10 or 12 or 14) || !TryDate(s[..8], out var date))
            return false;

        var hour = 0;
        var minute = 0;
        var second = 0;
        if ((s.Length >= 10 && !TryDigits(s[8..10], out hour)) || hour > 23
            || (s.Length >= 12 && !TryDigits(s[10..12], out minute)) || minute > 59
            || (s.Length >= 14 && !TryDigits(s[12..14], out second)) || second > 59)
            return false;

        var local = date.ToDateTime(new TimeOnly(hour, minute, second)).AddTicks(ticks);
        value = new DateTimeOffset(local, offset);
        return true;
    }

    /// <summary>Parses a DT, or the date part of a TS (PID-7 is a TS in v2.5): the date as sent, not shifted.</summary>
    public static bool TryParseDate(string text, out DateOnly value)
    {
        value = default;
        var s = text.Trim();
        return s.Length >= 8 && (s.Length == 8 || TryParseTimestamp(s, out _)) && TryDate(s.AsSpan(0, 8), out value);
    }

    private static bool TryDate(ReadOnlySpan<char> s, out DateOnly date)
    {
        date = default;
        if (!TryDigits(s[..4], out var year) || !TryDigits(s[4..6], out var month) || !TryDigits(s[6..8], out var day))
            return false;
        if (year is < MinYear or > MaxYear || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            return false;
        date = new DateOnly(year, month, day);
        return true;
    }

    private static bool TryParseOffset(ReadOnlySpan<char> s, out TimeSpan offset)
    {
        offset = default;
        if (s.Length != 5 || !TryDigits(s[1..3], out var hours) || !TryDigits(s[3..5], out var minutes) || hours > 14 || minutes > 59)
            return false;
        offset = new TimeSpan(hours, minutes, 0) * (s[0] == '-' ? -1 : 1);
        return offset <= TimeSpan.FromHours(14);
    }

    private static bool TryDigits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
                return false;
        }

        return int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
