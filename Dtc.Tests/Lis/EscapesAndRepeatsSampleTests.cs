using Dtc.Lis;
using static Dtc.Tests.Lis.LisTestKit;

namespace Dtc.Tests.Lis;

public class EscapesAndRepeatsSampleTests
{
    private readonly LabMessage _message = ParseSample("escapes-and-repeats.hl7");
    private IReadOnlyList<LabObservation> Observations => Assert.Single(_message.Reports).Observations;

    [Fact]
    public void RepeatedPatientIdentifiersAreAllKept()
    {
        Assert.Equal(
            new[] { new PatientIdentifier("PAT-1004", "DTC", "PI"), new PatientIdentifier("998877", "SSA", "SS") },
            _message.Patient.Identifiers);
        Assert.Equal(("Dubois", "Zoe"), (_message.Patient.FamilyName, _message.Patient.GivenName));
        Assert.Equal(new DateOnly(1988, 5, 5), _message.Patient.BirthDate);
    }

    [Fact]
    public void ReportHeaderFields()
    {
        var report = Assert.Single(_message.Reports);
        Assert.Equal("MSG00006", _message.SourceMessageId);
        Assert.Equal(("91344700256", "ACC-779100", "5196-1"), (report.KitBarcode, report.Accession, report.PanelCode));
        Assert.Equal(At("2026-11-21T07:00:00Z"), report.CollectedAt);
        Assert.Equal(At("2026-11-23T07:59:00Z"), report.IssuedAt);
        Assert.Equal(LisStatus.Final, report.Status);
        Assert.Equal(3, Observations.Count);
    }

    [Fact]
    public void CodedValueKeepsCodeDisplayAndSystem()
    {
        var obs = Observations[0];
        Assert.Equal(("CWE", "5196-1"), (obs.ValueType, obs.Code));
        Assert.Equal("Negative", obs.TextValue);
        Assert.Equal(new CodedValue("260385009", "Negative", "SCT"), obs.CodedValue);
        Assert.Null(obs.NumericValue);
        Assert.Equal(InterpretationFlags.Negative, obs.Flag);
        Assert.Equal(At("2026-11-23T07:55:00Z"), obs.ObservedAt);
    }

    [Fact]
    public void EscapedDelimitersInTextBecomeTheCharacters()
    {
        var obs = Observations[1];
        Assert.Equal(("ST", "8251-1", "Service comment"), (obs.ValueType, obs.Code, obs.Display));
        Assert.Equal("Specimen received at 4^C; result | method: CMIA.", obs.TextValue);
        Assert.Null(obs.Unit);
        Assert.Null(obs.Flag);
        Assert.Null(obs.ObservedAt);
        Assert.Equal(LisStatus.Final, obs.Status);
    }

    [Fact]
    public void StructuredNumericWithComparatorBecomesTextAndComparator()
    {
        var obs = Observations[2];
        Assert.Equal(("SN", "5195-3"), (obs.ValueType, obs.Code));
        Assert.Equal(">1000", obs.TextValue);
        Assert.Equal(">", obs.Comparator);
        Assert.Null(obs.NumericValue);
        Assert.Equal("m[IU]/mL", obs.Unit);
        Assert.Equal(">=10", obs.ReferenceRange);
        Assert.Equal(10m, obs.ReferenceLow);
        Assert.Null(obs.ReferenceHigh);
        Assert.Equal(InterpretationFlags.Normal, obs.Flag);
    }
}
