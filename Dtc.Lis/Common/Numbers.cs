using System.Globalization;

namespace Dtc.Lis.Common;

internal static class Numbers
{
    // HL7 NM: optional sign, digits, optional decimal point. No exponents or group separators,
    // and always the invariant culture: "6,1" is not six point one.
    private const NumberStyles Nm = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint
        | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite;

    public static bool TryParse(ReadOnlySpan<char> text, out decimal value) =>
        decimal.TryParse(text, Nm, CultureInfo.InvariantCulture, out value);
}
