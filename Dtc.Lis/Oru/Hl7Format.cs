using System.Diagnostics.CodeAnalysis;
using Dtc.Lis.Hl7;

namespace Dtc.Lis.Oru;

/// <summary>Renders composite HL7 types as the one-line text the model keeps.</summary>
internal static class Hl7Format
{
    public static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>XAD: street^other^city^state^zip^country → "100 Lab Way, Austin, TX 78701".</summary>
    public static string? Address(Hl7Repetition xad)
    {
        var stateZip = $"{xad.Component(4).Value} {xad.Component(5).Value}".Trim();
        string[] parts = [xad.Component(1).Value, xad.Component(2).Value, xad.Component(3).Value, stateZip, xad.Component(6).Value];
        return NullIfEmpty(string.Join(", ", parts.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim())));
    }

    /// <summary>
    /// XCN: id^family^given^middle^suffix^prefix^degree. Some labs put the whole name in the id
    /// component (as our samples do), so that is used when no family name is given.
    /// </summary>
    public static string? Person(Hl7Repetition xcn)
    {
        var family = xcn.Component(2).Value;
        if (string.IsNullOrWhiteSpace(family))
            return NullIfEmpty(xcn.Component(1).Value);

        string[] parts = [xcn.Component(6).Value, xcn.Component(3).Value, xcn.Component(4).Value, family, xcn.Component(5).Value];
        var name = string.Join(" ", parts.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim()));
        var degree = xcn.Component(7).Value.Trim();
        return degree.Length > 0 ? $"{name}, {degree}" : name;
    }

    /// <summary>
    /// Shows a code in an error only when it looks like a table code ("I", "2.6"): error text goes to
    /// logs, and a longer value in a shifted field could be anything, PHI included.
    /// </summary>
    public static string Code(string value) =>
        value.Length is > 0 and <= 8 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') ? $" '{value}'" : "";

    /// <summary>A TS field (or a component holding one) that may be empty; bad-date when valued but unreadable.</summary>
    public static bool TryTime(string text, string where, out DateTimeOffset? value, [NotNullWhen(false)] out LisParseError? error)
    {
        (value, error) = (null, null);
        if (string.IsNullOrWhiteSpace(text))
            return true;
        if (Hl7Time.TryParseTimestamp(text, out var parsed))
        {
            value = parsed;
            return true;
        }

        error = new(LisErrorCodes.BadDate, $"{where} is not an HL7 timestamp (YYYYMMDD[HHMM[SS[.S]]][+/-ZZZZ])");
        return false;
    }
}
