namespace Dtc.Lis.Hl7;

/// <summary>One segment, with fields numbered as HL7 numbers them (MSH-1 is the field separator itself).</summary>
public sealed class Hl7Segment
{
    private readonly string[] _parts;

    internal Hl7Segment(string text, int position, Hl7Delimiters d)
    {
        _parts = text.Split(d.Field);
        Name = _parts[0];
        Position = position;
        Delimiters = d;
        Text = text;
    }

    public string Name { get; }

    /// <summary>1-based position of the segment in its message, for error messages.</summary>
    public int Position { get; }

    public Hl7Delimiters Delimiters { get; }
    public string Text { get; }

    private bool IsHeader => Name == "MSH";

    /// <summary>Highest field number the segment carries.</summary>
    public int FieldCount => IsHeader ? _parts.Length : _parts.Length - 1;

    public Hl7Field this[int n] => Field(n);

    public Hl7Field Field(int n)
    {
        if (IsHeader && n is 1 or 2)
        {
            var verbatim = n == 1 ? Delimiters.Field.ToString() : _parts.Length > 1 ? _parts[1] : "";
            return new Hl7Field(verbatim, Hl7Delimiters.Verbatim);
        }

        // In MSH the separator after the name is MSH-1, so MSH-n is one part earlier than elsewhere.
        var index = IsHeader ? n - 1 : n;
        return index >= 1 && index < _parts.Length
            ? new Hl7Field(_parts[index], Delimiters)
            : new Hl7Field("", Delimiters, isAbsent: true);
    }

    /// <summary>"OBX-5 (segment 7)": where a problem is, never what the value was.</summary>
    public string Where(int field) => $"{Name}-{field} (segment {Position})";

    public override string ToString() => Text;
}
