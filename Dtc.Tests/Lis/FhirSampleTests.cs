using Dtc.Lis;
using static Dtc.Tests.Lis.LisTestKit;

namespace Dtc.Tests.Lis;

public class FhirSampleTests
{
    private readonly LabMessage _message = ParseSample(FhirSample);

    [Fact]
    public void BundleIdentifierAndTimestampIdentifyTheMessage()
    {
        Assert.Equal(LabMessageFormats.Fhir, _message.Format);
        Assert.Equal("FHIR-MSG-0001", _message.SourceMessageId);
        Assert.Equal(At("2026-11-24T10:05:00Z"), _message.MessageTime);
        Assert.Equal("ACME Reference Laboratory", _message.SendingLab?.Name);
    }

    [Fact]
    public void PatientComesFromTheReportSubject()
    {
        var patient = _message.Patient;
        Assert.Equal(new PatientIdentifier("PAT-1005", "urn:dtc:patient", null), Assert.Single(patient.Identifiers));
        Assert.Equal(("Okafor", "Chidi"), (patient.FamilyName, patient.GivenName));
        Assert.Equal(new DateOnly(1979, 3, 22), patient.BirthDate);
    }

    [Fact]
    public void KitBarcodeComesFromBasedOnIdentifierAndAccessionFromReportIdentifier()
    {
        var report = Assert.Single(_message.Reports);
        Assert.Equal("66209135848", report.KitBarcode);
        Assert.Equal("ACC-779200", report.Accession);
    }

    [Fact]
    public void ReportPanelDatesStatusAndLab()
    {
        var report = Assert.Single(_message.Reports);
        Assert.Equal(("62292-8", "LN"), (report.PanelCode, report.PanelCodeSystem));
        Assert.Equal("25-Hydroxyvitamin D2+D3 [Mass/volume] in Serum or Plasma", report.PanelDisplay);
        Assert.Equal(At("2026-11-20T07:30:00Z"), report.CollectedAt);
        Assert.Equal(At("2026-11-24T10:00:00Z"), report.IssuedAt);
        Assert.Equal(LisStatus.Final, report.Status);
        Assert.Equal(new PerformingLab("ACME Reference Laboratory", null, null), report.PerformingLab);
        Assert.Null(report.SpecimenRejection);
    }

    [Fact]
    public void QuantityObservationReadsLikeAnNmObx()
    {
        var obs = Assert.Single(Assert.Single(_message.Reports).Observations);
        Assert.Equal(("62292-8", "LN", "NM"), (obs.Code, obs.CodeSystem, obs.ValueType));
        Assert.Equal(18.5m, obs.NumericValue);
        Assert.Equal("ng/mL", obs.Unit);
        Assert.Equal("30-100 ng/mL", obs.ReferenceRange);
        Assert.Equal(30m, obs.ReferenceLow);
        Assert.Equal(100m, obs.ReferenceHigh);
        Assert.Equal(InterpretationFlags.Low, obs.Flag);
        Assert.Equal(LisStatus.Final, obs.Status);
        Assert.Equal(At("2026-11-20T07:30:00Z"), obs.ObservedAt);
    }
}
