using System.Diagnostics.CodeAnalysis;

namespace Dtc.Lis.Hl7;

/// <summary>An ER7-encoded HL7 v2 message: its delimiters and its segments, in order.</summary>
public sealed class Hl7Message
{
    private Hl7Message(Hl7Delimiters delimiters, IReadOnlyList<Hl7Segment> segments) =>
        (Delimiters, Segments) = (delimiters, segments);

    public Hl7Delimiters Delimiters { get; }
    public IReadOnlyList<Hl7Segment> Segments { get; }
    public Hl7Segment Header => Segments[0];

    public Hl7Segment? First(string name) => Segments.FirstOrDefault(s => s.Name == name);
    public IEnumerable<Hl7Segment> All(string name) => Segments.Where(s => s.Name == name);

    /// <summary>
    /// Splits a message into segments. Segments end with CR as the standard says; CRLF and LF are
    /// tolerated, and so are MLLP framing bytes and a byte-order mark left on by the transport.
    /// </summary>
    public static bool TryParse(
        string text, [NotNullWhen(true)] out Hl7Message? message, [NotNullWhen(false)] out LisParseError? error)
    {
        message = null;
        var body = text.AsSpan().TrimStart("\uFEFF\v \t\r\n").TrimEnd(" \t");
        body = body.EndsWith("\u001c\r") ? body[..^2] : body.TrimEnd('\u001c');
        if (body.IsWhiteSpace())
        {
            error = new(LisErrorCodes.Empty, "the body holds no HL7 segments");
            return false;
        }

        if (!body.StartsWith("MSH", StringComparison.Ordinal))
        {
            error = new(LisErrorCodes.NotHl7, "the body does not start with an MSH segment");
            return false;
        }

        // v2 has no length or segment count, so a body cut in transit is only visible as a last
        // segment without its terminator; accepting it could silently drop observations.
        if (body[^1] is not ('\r' or '\n'))
        {
            error = new(LisErrorCodes.Truncated, "the last segment has no segment terminator (CR): the body looks cut off");
            return false;
        }

        var lines = body.ToString().Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (!Hl7Delimiters.TryRead(lines[0], out var delimiters, out error))
            return false;

        var segments = new List<Hl7Segment>(lines.Length);
        foreach (var line in lines)
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;

            var position = segments.Count + 1;
            if (!IsSegmentStart(line, delimiters.Field))
            {
                error = new(LisErrorCodes.BadSegment, $"segment {position} does not start with a segment id (3 upper-case letters or digits)");
                return false;
            }

            if (position > 1 && line.StartsWith("MSH", StringComparison.Ordinal))
            {
                error = new(LisErrorCodes.UnexpectedSegment, $"segment {position} is a second MSH: one message per body (batches are not accepted)");
                return false;
            }

            segments.Add(new Hl7Segment(line, position, delimiters));
        }

        message = new Hl7Message(delimiters, segments);
        return true;
    }

    private static bool IsSegmentStart(string line, char fieldSeparator) =>
        line.Length >= 3
        && char.IsAsciiLetterUpper(line[0])
        && (char.IsAsciiLetterUpper(line[1]) || char.IsAsciiDigit(line[1]))
        && (char.IsAsciiLetterUpper(line[2]) || char.IsAsciiDigit(line[2]))
        && (line.Length == 3 || line[3] == fieldSeparator);
}
