using Dtc.Lis;
using static Dtc.Tests.Lis.LisTestKit;

namespace Dtc.Tests.Lis;

/// <summary>One A1c report sent three times: preliminary, final, then corrected.</summary>
public class A1cSampleTests
{
    [Theory]
    [InlineData("a1c-1-preliminary.hl7", "MSG00002", "2026-11-21T08:59:00Z", "preliminary", "6.1", "H", "2026-11-21T08:55:00Z")]
    [InlineData("a1c-2-final.hl7", "MSG00003", "2026-11-21T11:30:00Z", "final", "6.1", "H", "2026-11-21T08:55:00Z")]
    [InlineData("a1c-3-corrected.hl7", "MSG00004", "2026-11-22T10:10:00Z", "corrected", "5.4", "N", "2026-11-22T10:05:00Z")]
    public void EachVersionKeepsItsStatusIssueTimeAndValue(
        string sample, string controlId, string issued, string status, string value, string flag, string observed)
    {
        var message = ParseSample(sample);
        Assert.Equal(controlId, message.SourceMessageId);
        var report = Assert.Single(message.Reports);
        Assert.Equal("77300166491", report.KitBarcode);
        Assert.Equal("ACC-778900", report.Accession);
        Assert.Equal("4548-4", report.PanelCode);
        Assert.Equal(At("2026-11-19T07:00:00Z"), report.CollectedAt);
        Assert.Equal(At(issued), report.IssuedAt);
        Assert.Equal(status, report.Status);

        var obs = Assert.Single(report.Observations);
        Assert.Equal(decimal.Parse(value), obs.NumericValue);
        Assert.Equal("%", obs.Unit);
        Assert.Equal("4.0-5.6", obs.ReferenceRange);
        Assert.Equal(4.0m, obs.ReferenceLow);
        Assert.Equal(5.6m, obs.ReferenceHigh);
        Assert.Equal(flag, obs.Flag);
        Assert.Equal(status, obs.Status);
        Assert.Equal(At(observed), obs.ObservedAt);
    }

    [Fact]
    public void PatientIsSamONeil()
    {
        var patient = ParseSample("a1c-2-final.hl7").Patient;
        Assert.Equal("PAT-1002", Assert.Single(patient.Identifiers).Value);
        Assert.Equal("O'Neil", patient.FamilyName);
        Assert.Equal("Sam", patient.GivenName);
        Assert.Equal(new DateOnly(1970, 9, 1), patient.BirthDate);
    }

    [Fact]
    public void CorrectedReportMapsToCorrectedStatus() =>
        Assert.Equal(LisStatus.Corrected, Assert.Single(ParseSample("a1c-3-corrected.hl7").Reports).Status);

    [Fact]
    public void NoteAfterObxIsKeptOnTheObservationWithEscapesDecoded()
    {
        var obs = Assert.Single(Assert.Single(ParseSample("a1c-3-corrected.hl7").Reports).Observations);
        Assert.Equal("Corrected result: calibration error on analyzer 3 & rerun on 2026-11-22.", Assert.Single(obs.Notes));
    }

    [Fact]
    public void ReportWithoutObx23HasNoPerformingLab() =>
        Assert.Null(Assert.Single(ParseSample("a1c-1-preliminary.hl7").Reports).PerformingLab);
}
