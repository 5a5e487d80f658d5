namespace Dtc.Data.Kits;

/// <summary>The barcode printed on the tube and box: 11 digits, the last a Luhn check digit (DESIGN.md §2). One rule for the API, the consumers and the tools.</summary>
public static class KitBarcode
{
    public const int Length = 11;

    /// <summary>What patients type, without the spaces and dashes they may add.</summary>
    public static string Normalize(string raw) => new(raw.Where(c => c is not (' ' or '-')).ToArray());

    public static bool IsValid(string barcode) =>
        barcode.Length == Length && barcode.All(char.IsAsciiDigit) && CheckDigit(barcode.AsSpan(0, Length - 1)) == barcode[^1] - '0';

    /// <summary>The Luhn digit that completes <paramref name="payload"/>.</summary>
    public static int CheckDigit(ReadOnlySpan<char> payload)
    {
        var sum = 0;
        for (var i = 0; i < payload.Length; i++)
        {
            // Doubling starts at the payload's rightmost digit, the one next to the check digit.
            var digit = payload[payload.Length - 1 - i] - '0';
            if (i % 2 == 0) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
            sum += digit;
        }
        return (10 - sum % 10) % 10;
    }
}
