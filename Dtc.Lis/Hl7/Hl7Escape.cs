using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Dtc.Lis.Hl7;

/// <summary>Decodes HL7 escape sequences (v2.5.1 chapter 2.7).</summary>
public static class Hl7Escape
{
    public static string Decode(string raw, Hl7Delimiters d)
    {
        var start = raw.IndexOf(d.Escape);
        if (start < 0)
            return raw;

        var sb = new StringBuilder(raw.Length);
        sb.Append(raw, 0, start);
        var i = start;
        while (i < raw.Length)
        {
            if (raw[i] != d.Escape)
            {
                sb.Append(raw[i++]);
                continue;
            }

            var close = raw.IndexOf(d.Escape, i + 1);
            if (close < 0)
            {
                // An unterminated escape is kept as sent rather than dropping the rest of the text.
                sb.Append(raw, i, raw.Length - i);
                break;
            }

            if (!TryAppendSequence(raw.AsSpan(i + 1, close - i - 1), d, sb))
                sb.Append(raw, i, close - i + 1);
            i = close + 1;
        }

        return sb.ToString();
    }

    private static bool TryAppendSequence(ReadOnlySpan<char> seq, Hl7Delimiters d, StringBuilder sb)
    {
        switch (seq)
        {
            case "F": sb.Append(d.Field); return true;
            case "S": sb.Append(d.Component); return true;
            case "T": sb.Append(d.Subcomponent); return true;
            case "R": sb.Append(d.Repetition); return true;
            case "E": sb.Append(d.Escape); return true;
            case ".br": sb.Append('\n'); return true;
            case "H" or "N": return true; // highlighting on/off: no meaning in plain text
        }

        if (seq.StartsWith(".sp"))
        {
            sb.Append('\n');
            return true;
        }

        // Other formatting commands (.in, .ti, .sk, .ce, .fi, .nf), character-set switches (\C..\, \M..\)
        // and locally defined escapes (\Z..\) change presentation only; the text around them is kept.
        if (seq.Length > 0 && (seq[0] is '.' or 'C' or 'M' or 'Z'))
            return true;

        return seq.Length > 1 && seq[0] == 'X' && TryAppendHex(seq[1..], sb);
    }

    private static bool TryAppendHex(ReadOnlySpan<char> hex, StringBuilder sb)
    {
        if (hex.Length % 2 != 0)
            return false;

        var bytes = new byte[hex.Length / 2];
        for (var k = 0; k < bytes.Length; k++)
        {
            if (!byte.TryParse(hex.Slice(k * 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[k]))
                return false;
        }

        // Senders mean UTF-8 when the bytes are valid UTF-8; otherwise the HL7 default, Latin-1.
        var text = Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);
        // A control character (NUL, say) is no text: the escape is kept as sent, as raw NUL bytes are refused,
        // rather than handing on a value no database column or identifier match can take.
        if (text.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r')))
            return false;
        sb.Append(text);
        return true;
    }
}
