using Dtc.Lis;
using static Dtc.Tests.Lis.LisTestKit;

namespace Dtc.Tests.Lis;

/// <summary>OBX-5 by value type, OBX-7 ranges, OBX-8 flags and OBX-11 statuses, on a one-OBX message.</summary>
public class ValueParsingTests
{
    private static LabObservation Obx(string type, string value, string range = "", string flag = "", string status = "F") =>
        Assert.Single(Assert.Single(Ok(ParseHl7(
            "MSH|^~\\&|LIS|LAB|DTC|DTC|20261120143012||ORU^R01^ORU_R01|M1|P|2.5.1\r" +
            "PID|1||PAT-1^^^DTC^PI||Doe^Jo||19800101\r" +
            "OBR|1|48219573028|ACC-1|1-1^Panel^LN" + new string('|', 21) + "F\r" +
            $"OBX|1|{type}|2-2^Test^LN||{value}|u|{range}|{flag}|||{status}\r")).Reports).Observations);

    [Theory]
    [InlineData("6.1", 6.1)]
    [InlineData("-0.5", -0.5)]
    [InlineData("+12", 12)]
    [InlineData(" 7 ", 7)]
    [InlineData(".25", 0.25)]
    public void NumericValueIsParsedWithInvariantCulture(string raw, double expected) =>
        Assert.Equal((decimal)expected, Obx("NM", raw).NumericValue);

    [Theory]
    [InlineData("<^5", "<5", "<")]
    [InlineData(">^100", ">100", ">")]
    [InlineData("<=^0.1", "<=0.1", "<=")]
    [InlineData("^1^:^128", "1:128", null)]
    [InlineData("^10^-^20", "10-20", null)]
    [InlineData(">^2^+", ">2+", ">")]
    public void StructuredNumericBecomesTextAndComparator(string raw, string text, string? comparator)
    {
        var obs = Obx("SN", raw);
        Assert.Equal((text, comparator), (obs.TextValue, obs.Comparator));
        Assert.Null(obs.NumericValue);
    }

    [Theory]
    [InlineData("^5")]
    [InlineData("=^5")]
    public void ExactStructuredNumericIsANumber(string raw) => Assert.Equal(5m, Obx("SN", raw).NumericValue);

    [Theory]
    [InlineData("4.0-5.6", 4.0, 5.6)]
    [InlineData("4.0 - 5.6 %", 4.0, 5.6)]
    [InlineData("-1.5--0.5", -1.5, -0.5)]
    [InlineData("<200", null, 200.0)]
    [InlineData("<=200", null, 200.0)]
    [InlineData(">40", 40.0, null)]
    [InlineData(">= 40", 40.0, null)]
    [InlineData("Negative", null, null)]
    [InlineData("see comment", null, null)]
    public void ReferenceRangeBoundsAreParsedWherePossible(string range, double? low, double? high)
    {
        var obs = Obx("NM", "1", range);
        Assert.Equal(range, obs.ReferenceRange);
        Assert.Equal((decimal?)low, obs.ReferenceLow);
        Assert.Equal((decimal?)high, obs.ReferenceHigh);
    }

    [Theory]
    [InlineData("N", "N")]
    [InlineData("l", "L")]
    [InlineData("HH", "HH")]
    [InlineData("LL", "LL")]
    [InlineData("A", "A")]
    [InlineData("AA", "AA")]
    [InlineData("POS", "POS")]
    [InlineData("NEG", "NEG")]
    [InlineData("DET", "DET")]
    [InlineData("ND", "ND")]
    [InlineData(">", "H")]
    [InlineData("IND", null)]
    [InlineData("", null)]
    [InlineData("U~H", "H")]
    public void AbnormalFlagIsNormalised(string flag, string? expected) => Assert.Equal(expected, Obx("NM", "1", flag: flag).Flag);

    [Theory]
    [InlineData("F", LisStatus.Final)]
    [InlineData("P", LisStatus.Preliminary)]
    [InlineData("C", LisStatus.Corrected)]
    [InlineData("D", LisStatus.EnteredInError)]
    [InlineData("W", LisStatus.EnteredInError)]
    [InlineData("X", LisStatus.Cancelled)]
    public void ObservationStatusMapsToDesignStatus(string code, string expected) =>
        Assert.Equal(expected, Obx("NM", "1", status: code).Status);

    [Fact]
    public void TextValueRepetitionsAreLines() => Assert.Equal("line one\nline two", Obx("TX", "line one~line two").TextValue);

    [Fact]
    public void EmptyValueIsAllowedForACancelledObservation()
    {
        var obs = Obx("NM", "", status: "X");
        Assert.Null(obs.NumericValue);
        Assert.Null(obs.TextValue);
    }

    [Fact]
    public void UnitFallsBackToUnitTextComponent() => Assert.Equal("u", Obx("NM", "1").Unit);
}
