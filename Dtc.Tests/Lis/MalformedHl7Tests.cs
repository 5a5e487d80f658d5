using System.Text;
using Dtc.Lis;
using static Dtc.Tests.Lis.LisTestKit;

namespace Dtc.Tests.Lis;

/// <summary>Each kind of broken HL7 body gives its own reason code, and the text names where.</summary>
public class MalformedHl7Tests
{
    private static readonly string Lipid = Text("lipid-final.hl7");

    [Fact]
    public void EmptyBodyIsEmpty()
    {
        Fails(LisParser.Parse([], Hl7ContentType), LisErrorCodes.Empty);
        Fails(ParseHl7(" \r\n\r\n"), LisErrorCodes.Empty);
    }

    [Fact]
    public void BinaryGarbageIsNotHl7()
    {
        var random = new Random(7);
        var garbage = new byte[512];
        random.NextBytes(garbage);
        Fails(LisParser.Parse(garbage, Hl7ContentType), LisErrorCodes.NotHl7);
        Fails(LisParser.Parse([0x4D, 0x53, 0x48, 0x7C, 0x00, 0x0D], Hl7ContentType), LisErrorCodes.NotHl7);
    }

    [Fact]
    public void BodyNotStartingWithMshIsNotHl7() => Fails(ParseHl7("PID|1||PAT-1\r"), LisErrorCodes.NotHl7);

    [Theory]
    [InlineData(5)]
    [InlineData(30)]
    [InlineData(400)]
    public void BodyCutOffInTransitIsTruncated(int length) => Fails(ParseHl7(Lipid[..length]), LisErrorCodes.Truncated);

    [Fact]
    public void LastSegmentWithoutTerminatorIsTruncated() => Fails(ParseHl7(Lipid.TrimEnd('\r')), LisErrorCodes.Truncated);

    [Theory]
    [InlineData("2.6")]
    [InlineData("2.7.1")]
    [InlineData("3.0")]
    public void VersionOtherThan25xOr23xIsUnsupported(string version)
    {
        var error = Fails(ParseHl7(Lipid.ReplaceOnce("|2.5.1|", $"|{version}|")), LisErrorCodes.UnsupportedVersion);
        Assert.Contains("MSH-12", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2.5")]
    [InlineData("2.4")]
    [InlineData("2.3.1")]
    [InlineData("2.3")]
    public void OlderCompatibleVersionsAreAccepted(string version) =>
        Ok(ParseHl7(Lipid.ReplaceOnce("|2.5.1|", $"|{version}|")));

    [Theory]
    [InlineData("ADT^A01^ADT_A01")]
    [InlineData("ORU^R30")]
    [InlineData("")]
    public void OtherMessageTypesAreNotOruR01(string type) =>
        Fails(ParseHl7(Lipid.ReplaceOnce("|ORU^R01^ORU_R01|", $"|{type}|")), LisErrorCodes.NotOruR01);

    [Fact]
    public void MessageWithoutObrHasNoReport()
    {
        var mshAndPid = string.Join('\r', Lipid.Split('\r').Take(2)) + "\r";
        Fails(ParseHl7(mshAndPid), LisErrorCodes.NoObr);
        Fails(ParseHl7(mshAndPid + "OBX|1|NM|2093-3^Chol^LN||212|mg/dL||||F\r"), LisErrorCodes.NoObr);
    }

    [Theory]
    [InlineData("|20261120143012|", "|20261120253012|", "MSH-7")]
    [InlineData("|19850214|", "|19850230|", "PID-7")]
    [InlineData("|20261118081500|||", "|2026111808150|||", "OBR-7")]
    [InlineData("|20261120143000|||F", "|20261120143000+9900|||F", "OBR-22")]
    public void UnreadableDateIsBadDateNamingTheField(string from, string to, string field)
    {
        var error = Fails(ParseHl7(Lipid.ReplaceOnce(from, to)), LisErrorCodes.BadDate);
        Assert.Contains(field, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void UnreadableObservationTimeIsBadDate() =>
        Fails(ParseHl7(Lipid.Replace("|20261120142500|", "|2026-11-20|", StringComparison.Ordinal)), LisErrorCodes.BadDate);

    [Fact]
    public void NonNumericNmIsRefusedWithoutEchoingTheValue()
    {
        var error = Fails(ParseHl7(Lipid.ReplaceOnce("||212|", "||two hundred|")), LisErrorCodes.NonNumericNm);
        Assert.Contains("OBX-5 (segment 5)", error.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("two hundred", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<<^5")]
    [InlineData("<^five")]
    [InlineData("^1^?^2")]
    public void MalformedStructuredNumericIsBadSn(string sn) =>
        Fails(ParseHl7(Text("escapes-and-repeats.hl7").ReplaceOnce(">^1000", sn)), LisErrorCodes.BadSn);

    [Theory]
    [InlineData("|MSG00001|", "||", "MSH-10")]
    [InlineData("|PAT-1001^^^DTC^PI|", "||", "PID-3")]
    [InlineData("|48219573028|ACC-778812|57", "||ACC-778812|57", "OBR-2")]
    [InlineData("|ACC-778812|57", "||57", "OBR-3")]
    [InlineData("|57698-3^Lipid panel with direct LDL - Serum or Plasma^LN|", "||", "OBR-4")]
    [InlineData("|||F\rOBX", "|||\rOBX", "OBR-25")]
    public void RequiredFieldLeftEmptyIsMissingField(string from, string to, string field)
    {
        // ORC-2/3 would stand in for OBR-2/3, so they are emptied too.
        var text = Lipid.ReplaceOnce("ORC|RE|48219573028|ACC-778812\r", "ORC|RE\r").ReplaceOnce(from, to);
        if (field == "OBR-2")
            text = text.ReplaceOnce("SPM|1|48219573028|", "SPM|1||");
        var error = Fails(ParseHl7(text), LisErrorCodes.MissingField);
        Assert.Contains(field, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingPidIsMissingField() =>
        Fails(ParseHl7(Lipid.ReplaceOnce("PID|1||PAT-1001^^^DTC^PI||Rivera^Ana^M||19850214|F\r", "")), LisErrorCodes.MissingField);

    [Fact]
    public void UnknownReportStatusIsBadStatus() => Fails(ParseHl7(Lipid.ReplaceOnce("|||F\rOBX", "|||Z\rOBX")), LisErrorCodes.BadStatus);

    [Fact]
    public void UnknownObservationStatusIsBadStatus() =>
        Fails(ParseHl7(Text("a1c-2-final.hl7").ReplaceOnce("|H|||F|", "|H|||Q|")), LisErrorCodes.BadStatus);

    [Fact]
    public void SecondMshInOneBodyIsRefused() => Fails(ParseHl7(Lipid + Lipid), LisErrorCodes.UnexpectedSegment);

    [Theory]
    [InlineData("obx|1|NM")]
    [InlineData("OB|1")]
    [InlineData("OBXX|1")]
    [InlineData("1OB|1")]
    public void LineThatIsNotASegmentIsBadSegment(string line) =>
        Fails(ParseHl7(Lipid.ReplaceOnce("SPM|", line + "\rSPM|")), LisErrorCodes.BadSegment);

    [Fact]
    public void BlankLinesBetweenSegmentsAreSkipped() => Ok(ParseHl7(Lipid.ReplaceOnce("SPM|", "   \r\r\nSPM|")));

    [Fact]
    public void Latin1BodyIsReadAsLatin1()
    {
        var bytes = Encoding.Latin1.GetBytes(Lipid.ReplaceOnce("Rivera^Ana", "Müller^Zoë"));
        Assert.Equal("Müller", Ok(LisParser.Parse(bytes, Hl7ContentType)).Patient.FamilyName);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json")]
    [InlineData(null)]
    public void UnknownContentTypeIsRefused(string? contentType) =>
        Fails(LisParser.Parse(Encoding.UTF8.GetBytes(Lipid), contentType), LisErrorCodes.UnsupportedContentType);

    [Theory]
    [InlineData("application/hl7-v2")]
    [InlineData("X-Application/HL7-V2+ER7; charset=utf-8")]
    public void Hl7ContentTypeVariantsAreAccepted(string contentType) => Ok(LisParser.Parse(Encoding.UTF8.GetBytes(Lipid), contentType));
}
