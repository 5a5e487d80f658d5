using System.Text.RegularExpressions;

namespace Dtc.Lis.Common;

/// <summary>Low/high bounds from a reference range's text: "4.0-5.6", "&lt;200", "&gt;=40", "30-100 ng/mL".</summary>
internal static partial class ReferenceRange
{
    private const string Number = @"-?(?:\d+(?:\.\d*)?|\.\d+)";

    [GeneratedRegex($@"^\s*(?<low>{Number})\s*-\s*(?<high>{Number})(?:\s+\S.*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Between();

    [GeneratedRegex($@"^\s*(?<op><=?|>=?|≤|≥)\s*(?<value>{Number})(?:\s+\S.*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Bound();

    /// <summary>
    /// Parses what it can and leaves the rest null: a range like "Negative" has no bounds.
    /// Strict and inclusive bounds both map to the number: the text keeps the exact meaning.
    /// The patterns cannot backtrack badly, so no match timeout (which would throw) is set.
    /// </summary>
    public static (decimal? Low, decimal? High) Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 200)
            return (null, null);

        var between = Between().Match(text);
        if (between.Success
            && Numbers.TryParse(between.Groups["low"].ValueSpan, out var low)
            && Numbers.TryParse(between.Groups["high"].ValueSpan, out var high))
            return (low, high);

        var bound = Bound().Match(text);
        if (!bound.Success || !Numbers.TryParse(bound.Groups["value"].ValueSpan, out var value))
            return (null, null);

        return bound.Groups["op"].Value is "<" or "<=" or "≤" ? (null, value) : (value, null);
    }
}
