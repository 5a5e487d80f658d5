using Dtc.Lis.Hl7;

namespace Dtc.Tests.Lis;

/// <summary>The generic layer: Message → Segments → Fields → Repetitions → Components → Subcomponents.</summary>
public class Hl7MessageLayerTests
{
    private static Hl7Message Parse(string text)
    {
        Assert.True(Hl7Message.TryParse(text, out var message, out var error), error?.ToString());
        return message;
    }

    private static readonly Hl7Segment Zxx =
        Parse("MSH|^~\\&|A|B|C|D|20260101||ORU^R01|1|P|2.5.1\rZXX|a~b^c&d|\"\"||x\r").Segments[1];

    [Fact]
    public void MshFieldsAreNumberedWithTheSeparatorAsMsh1()
    {
        var msh = Parse("MSH|^~\\&|LIS|LAB^123^CLIA\r").Header;
        Assert.Equal("|", msh[1].Value);
        Assert.Equal("^~\\&", msh[2].Value);
        Assert.Equal("LIS", msh[3].Value);
        Assert.Equal("123", msh[4].Component(2).Value);
        Assert.Equal(4, msh.FieldCount);
    }

    [Fact]
    public void RepetitionsComponentsAndSubcomponentsSplitInOrder()
    {
        var field = Zxx[1];
        Assert.Equal(2, field.Repetitions.Count);
        Assert.Equal("a", field.Value);
        var second = field.Repetitions[1];
        Assert.Equal("b", second.Component(1).Value);
        Assert.Equal(new[] { "c", "d" }, second.Component(2).Subcomponents);
        Assert.Equal("d", second.Component(2).Subcomponent(2));
        Assert.Equal("", second.Component(9).Value);
    }

    [Fact]
    public void EmptyNullAndAbsentFieldsAreToldApart()
    {
        Assert.True(Zxx[2].IsNull);
        Assert.False(Zxx[2].HasValue);
        Assert.Equal("", Zxx[2].Value);

        Assert.True(Zxx[3].IsEmpty);
        Assert.False(Zxx[3].IsAbsent);
        Assert.Empty(Zxx[3].Repetitions);

        Assert.True(Zxx[9].IsAbsent);
        Assert.True(Zxx[9].IsEmpty);
        Assert.Equal("", Zxx[9].Component(3).Subcomponent(2));
        Assert.Equal(4, Zxx.FieldCount);
    }

    [Theory]
    [InlineData("a\\F\\b", "a|b")]
    [InlineData("a\\S\\b\\T\\c\\R\\d\\E\\e", "a^b&c~d\\e")]
    [InlineData("line1\\.br\\line2", "line1\nline2")]
    [InlineData("x\\.sp2\\y", "x\ny")]
    [InlineData("\\H\\bold\\N\\ text", "bold text")]
    [InlineData("caf\\XC3A9\\", "café")]
    [InlineData("caf\\XE9\\", "café")]
    [InlineData("\\X0D0A\\", "\r\n")]
    [InlineData("keep \\Q\\ unknown", "keep \\Q\\ unknown")]
    [InlineData("bad hex \\XZZ\\", "bad hex \\XZZ\\")]
    [InlineData("nul \\X00\\ kept as sent", "nul \\X00\\ kept as sent")]
    [InlineData("bell \\X07\\", "bell \\X07\\")]
    [InlineData("unterminated \\F", "unterminated \\F")]
    [InlineData("\\.in+4\\indented", "indented")]
    [InlineData("no escapes", "no escapes")]
    public void EscapeSequencesDecode(string raw, string expected) =>
        Assert.Equal(expected, Hl7Escape.Decode(raw, Hl7Delimiters.Default));

    [Fact]
    public void EscapedDelimitersDoNotSplitFields()
    {
        var segment = Parse("MSH|^~\\&|A\rNTE|1|L|one\\F\\two\\S\\three\\R\\four\r").Segments[1];
        Assert.Equal(3, segment.FieldCount);
        Assert.Single(segment[3].Repetitions);
        Assert.Equal("one|two^three~four", segment[3].Value);
    }

    [Fact]
    public void CrLfAndLfSegmentTerminatorsAreTolerated()
    {
        Assert.Equal(2, Parse("MSH|^~\\&|A\r\nPID|1\r\n").Segments.Count);
        Assert.Equal(2, Parse("MSH|^~\\&|A\nPID|1\n").Segments.Count);
        Assert.Equal(2, Parse("MSH|^~\\&|A\r\rPID|1\r\r").Segments.Count);
    }

    [Fact]
    public void MllpFramingAndByteOrderMarkAreStripped()
    {
        Assert.Equal(2, Parse("\v\uFEFFMSH|^~\\&|A\rPID|1\r\u001c\r").Segments.Count);
    }

    [Fact]
    public void SegmentPositionsNameWhereAProblemIs()
    {
        var segment = Parse("MSH|^~\\&|A\rPID|1\rOBX|1\r").Segments[2];
        Assert.Equal("OBX-5 (segment 3)", segment.Where(5));
    }
}
