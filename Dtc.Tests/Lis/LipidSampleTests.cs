using Dtc.Lis;
using static Dtc.Tests.Lis.LisTestKit;

namespace Dtc.Tests.Lis;

public class LipidSampleTests
{
    private readonly LabMessage _message = ParseSample("lipid-final.hl7");

    [Fact]
    public void HeaderGivesControlIdTimeAndSendingLab()
    {
        Assert.Equal(LabMessageFormats.Hl7v2, _message.Format);
        Assert.Equal("MSG00001", _message.SourceMessageId);
        Assert.Equal(At("2026-11-20T14:30:12Z"), _message.MessageTime);
        Assert.Equal(new SendingLab("ACMELAB", "05D1234567", "CLIA"), _message.SendingLab);
    }

    [Fact]
    public void PatientIdentityComesFromPid()
    {
        var patient = _message.Patient;
        Assert.Equal(new PatientIdentifier("PAT-1001", "DTC", "PI"), Assert.Single(patient.Identifiers));
        Assert.Equal("Rivera", patient.FamilyName);
        Assert.Equal("Ana", patient.GivenName);
        Assert.Equal(new DateOnly(1985, 2, 14), patient.BirthDate);
    }

    [Fact]
    public void ReportCarriesBarcodeAccessionPanelDatesAndFinalStatus()
    {
        var report = Assert.Single(_message.Reports);
        Assert.Equal("48219573028", report.KitBarcode);
        Assert.Equal("ACC-778812", report.Accession);
        Assert.Equal("57698-3", report.PanelCode);
        Assert.Equal("Lipid panel with direct LDL - Serum or Plasma", report.PanelDisplay);
        Assert.Equal("LN", report.PanelCodeSystem);
        Assert.Equal(At("2026-11-18T08:15:00Z"), report.CollectedAt);
        Assert.Equal(At("2026-11-20T14:30:00Z"), report.IssuedAt);
        Assert.Equal(LisStatus.Final, report.Status);
        Assert.Null(report.SpecimenRejection);
    }

    [Fact]
    public void PerformingLabComesFromObx23To25()
    {
        var lab = Assert.Single(_message.Reports).PerformingLab;
        Assert.Equal(new PerformingLab("ACME Reference Laboratory", "100 Lab Way, Austin, TX 78701", "Dr. Grace Lee"), lab);
    }

    [Theory]
    [InlineData(1, "2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "212", "<200", null, "200", "H")]
    [InlineData(2, "2571-8", "Triglyceride [Mass/volume] in Serum or Plasma", "148", "<150", null, "150", "N")]
    [InlineData(3, "2085-9", "Cholesterol in HDL [Mass/volume] in Serum or Plasma", "38", ">=40", "40", null, "L")]
    [InlineData(4, "18262-6", "Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay", "145", "<100", null, "100", "H")]
    public void EachObxBecomesANumericObservation(
        int sequence, string code, string display, string value, string range, string? low, string? high, string flag)
    {
        var obs = Assert.Single(_message.Reports).Observations[sequence - 1];
        Assert.Equal(sequence, obs.Sequence);
        Assert.Equal(code, obs.Code);
        Assert.Equal("LN", obs.CodeSystem);
        Assert.Equal(display, obs.Display);
        Assert.Equal("NM", obs.ValueType);
        Assert.Equal(decimal.Parse(value), obs.NumericValue);
        Assert.Null(obs.TextValue);
        Assert.Equal("mg/dL", obs.Unit);
        Assert.Equal(range, obs.ReferenceRange);
        Assert.Equal(low is null ? null : decimal.Parse(low), obs.ReferenceLow);
        Assert.Equal(high is null ? null : decimal.Parse(high), obs.ReferenceHigh);
        Assert.Equal(flag, obs.Flag);
        Assert.Equal(LisStatus.Final, obs.Status);
        Assert.Equal(At("2026-11-20T14:25:00Z"), obs.ObservedAt);
    }

    [Fact]
    public void ReportHasFourObservations() => Assert.Equal(4, Assert.Single(_message.Reports).Observations.Count);
}
