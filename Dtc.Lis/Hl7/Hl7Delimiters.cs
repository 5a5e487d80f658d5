using System.Diagnostics.CodeAnalysis;

namespace Dtc.Lis.Hl7;

/// <summary>The five delimiters a message declares in MSH-1 and MSH-2.</summary>
public sealed record Hl7Delimiters(char Field, char Component, char Repetition, char Escape, char Subcomponent)
{
    public static Hl7Delimiters Default { get; } = new('|', '^', '~', '\\', '&');

    // MSH-1 and MSH-2 hold the delimiters themselves and must be read verbatim; '\0' never matches
    // because TryRead refuses control characters as delimiters.
    internal static Hl7Delimiters Verbatim { get; } = new('\0', '\0', '\0', '\0', '\0');

    /// <summary>Reads the delimiters from the text of the MSH segment ("MSH|^~\&amp;|...").</summary>
    internal static bool TryRead(
        string msh, [NotNullWhen(true)] out Hl7Delimiters? delimiters, [NotNullWhen(false)] out LisParseError? error)
    {
        delimiters = null;
        if (msh.Length < 4)
        {
            error = new(LisErrorCodes.Truncated, "MSH ends before MSH-1 (field separator)");
            return false;
        }

        var field = msh[3];
        var end = msh.IndexOf(field, 4);
        var encoding = end < 0 ? msh[4..] : msh[4..end];
        // Exactly four in v2.5.1; a fifth (v2.7 truncation character) or a missing one means the
        // sender's idea of the delimiters differs from ours, and guessing would misread every field.
        if (encoding.Length != 4)
        {
            error = new(LisErrorCodes.BadEncodingCharacters,
                $"MSH-2 must hold 4 encoding characters (component, repetition, escape, subcomponent), found {encoding.Length}");
            return false;
        }

        char[] all = [field, .. encoding];
        if (all.Any(c => char.IsLetterOrDigit(c) || char.IsWhiteSpace(c) || char.IsControl(c)) || all.Distinct().Count() != 5)
        {
            error = new(LisErrorCodes.BadEncodingCharacters,
                "MSH-1/MSH-2 delimiters must be five distinct characters, none a letter, digit, space or control character");
            return false;
        }

        delimiters = new(field, encoding[0], encoding[1], encoding[2], encoding[3]);
        error = null;
        return true;
    }
}
