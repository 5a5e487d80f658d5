using System.Text;

namespace Dtc.Tests.Lis;

/// <summary>Seeded mutations of a message body: byte-level and segment-level, as transports and buggy senders do.</summary>
internal static class Mutator
{
    private static readonly byte[] Delimiters = "|^~\\&"u8.ToArray();

    // Values that sit on the parser's edges: escapes, nulls, dates, numbers, separators, control bytes.
    private static readonly string[] Tokens =
    [
        "", "\"\"", "\\", "\\X", "\\XZZ\\", "\\X00\\", "\\.br\\", "\\F\\", "\\E\\\\", "~~~", "^^^^", "&&&", "||||",
        "99999999999999999999999999999999", "-", ".", "+", "<^", ">=^1^:^", "20261301", "20261120143012+9999",
        "99991231235959-1400", "2.6", "ORU^R01", "ADT^A01", "MSH|^~\\&|", "OBR|1|||", "OBX|1|NM|1^a^LN||x", "SPM|1",
        "\r", "\n", "\r\n", "\u000b", "\u001c", "\0", "é", "\uFFFD", "{", "}", "[", "]", "\"", ":", ",", "null", "1e400",
    ];

    public static byte[] Mutate(byte[] input, Random random)
    {
        var data = new List<byte>(input);
        var steps = random.Next(1, 4);
        for (var i = 0; i < steps; i++)
            Apply(random.Next(10), data, random);
        return [.. data];
    }

    private static void Apply(int operation, List<byte> data, Random random)
    {
        if (data.Count == 0)
        {
            data.AddRange(Token(random));
            return;
        }

        var at = random.Next(data.Count);
        switch (operation)
        {
            case 0: // flip a byte
                data[at] = random.Next(3) == 0 ? Delimiters[random.Next(Delimiters.Length)] : (byte)random.Next(256);
                break;
            case 1: // delete a run
                data.RemoveRange(at, Math.Min(random.Next(1, 33), data.Count - at));
                break;
            case 2: // insert an edge token
                data.InsertRange(at, Token(random));
                break;
            case 3: // truncate
                data.RemoveRange(at, data.Count - at);
                break;
            case 4: // swap two delimiters everywhere
                var (a, b) = (Delimiters[random.Next(5)], Delimiters[random.Next(5)]);
                for (var i = 0; i < data.Count; i++)
                    data[i] = data[i] == a ? b : data[i] == b ? a : data[i];
                break;
            case 5: // duplicate a segment (line)
                var (start, length) = Line(data, at);
                data.InsertRange(start + length, data.GetRange(start, length));
                break;
            case 6: // delete a segment
                (start, length) = Line(data, at);
                data.RemoveRange(start, length);
                break;
            case 7: // move a segment elsewhere
                (start, length) = Line(data, at);
                var line = data.GetRange(start, length);
                data.RemoveRange(start, length);
                data.InsertRange(Line(data, random.Next(Math.Max(1, data.Count))).Start, line);
                break;
            case 8: // replace a field's content with an edge token
                var end = data.FindIndex(at, c => Delimiters.Contains(c) || c is 13 or 10 or (byte)',');
                data.RemoveRange(at, (end < 0 ? data.Count : end) - at);
                data.InsertRange(at, Token(random));
                break;
            default: // change one digit, as a date or number would be mistyped
                var digit = data.FindIndex(at, c => c is >= (byte)'0' and <= (byte)'9');
                if (digit >= 0)
                    data[digit] = (byte)('0' + random.Next(10));
                break;
        }
    }

    private static byte[] Token(Random random) => Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)]);

    /// <summary>The line around position <paramref name="at"/>, with its terminator.</summary>
    private static (int Start, int Length) Line(List<byte> data, int at)
    {
        if (data.Count == 0)
            return (0, 0);
        at = Math.Min(at, data.Count - 1);
        var start = data.FindLastIndex(at, c => c is 13 or 10) + 1;
        if (start > at)
            start = at;
        var end = data.FindIndex(at, c => c is 13 or 10);
        return (start, (end < 0 ? data.Count : end + 1) - start);
    }
}
