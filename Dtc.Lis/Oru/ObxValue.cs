using System.Diagnostics.CodeAnalysis;
using Dtc.Lis.Common;
using Dtc.Lis.Hl7;

namespace Dtc.Lis.Oru;

/// <summary>OBX-5 read according to OBX-2.</summary>
internal readonly record struct ObxValue(decimal? Numeric, string? Text, string? Comparator, CodedValue? Coded)
{
    private static readonly string[] Comparators = ["", "=", "<", ">", "<=", ">=", "<>"];
    private static readonly string[] SnSeparators = ["", "-", "+", "/", ".", ":"];

    public static bool TryRead(Hl7Segment obx, string valueType, out ObxValue value, [NotNullWhen(false)] out LisParseError? error)
    {
        (value, error) = (default, null);
        var field = obx[5];
        if (!field.HasValue)
            return true;

        switch (valueType)
        {
            case "NM":
                if (Numbers.TryParse(field.Value, out var number))
                {
                    value = new(number, null, null, null);
                    return true;
                }

                error = new(LisErrorCodes.NonNumericNm, $"{obx.Where(5)} is not a number, though OBX-2 says NM");
                return false;
            case "SN":
                return TryReadStructuredNumeric(obx, field.First, out value, out error);
            case "CWE" or "CE" or "CNE" or "CF":
                var cwe = field.First;
                var code = Hl7Format.NullIfEmpty(cwe.Component(1).Value);
                var display = Hl7Format.NullIfEmpty(cwe.Component(2).Value) ?? Hl7Format.NullIfEmpty(cwe.Component(9).Value);
                var coded = code is null ? null : new CodedValue(code, display, Hl7Format.NullIfEmpty(cwe.Component(3).Value));
                value = new(null, display ?? code, null, coded);
                return true;
            case "":
                error = new(LisErrorCodes.MissingField, $"{obx.Where(2)} (value type) is empty, though OBX-5 has a value");
                return false;
            default:
                // ST, TX, FT and the rest: text. TX and FT repetitions are lines of one text.
                var text = string.Join("\n", field.Repetitions.Select(r => r.Text));
                value = new(null, Hl7Format.NullIfEmpty(text), null, null);
                return true;
        }
    }

    /// <summary>SN: comparator^num1^separator/suffix^num2, e.g. "&gt;^1000", "^1^:^128", "^10^-^20", "=^5".</summary>
    private static bool TryReadStructuredNumeric(Hl7Segment obx, Hl7Repetition sn, out ObxValue value, [NotNullWhen(false)] out LisParseError? error)
    {
        value = default;
        var comparator = sn.Component(1).Value.Trim();
        var num1 = sn.Component(2).Value.Trim();
        var separator = sn.Component(3).Value.Trim();
        var num2 = sn.Component(4).Value.Trim();
        if (!Comparators.Contains(comparator) || !SnSeparators.Contains(separator)
            || !Numbers.TryParse(num1, out var first)
            || (num2.Length > 0 && (separator.Length == 0 || !Numbers.TryParse(num2, out _))))
        {
            error = new(LisErrorCodes.BadSn, $"{obx.Where(5)} is not a structured numeric (comparator^number^separator^number)");
            return false;
        }

        error = null;
        var exact = comparator is "" or "=";
        if (exact && separator.Length == 0)
            value = new(first, null, null, null);
        else
            value = new(null, $"{(exact ? "" : comparator)}{num1}{separator}{num2}", exact ? null : comparator, null);
        return true;
    }
}
