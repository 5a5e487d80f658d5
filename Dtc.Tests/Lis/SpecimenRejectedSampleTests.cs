using Dtc.Lis;
using static Dtc.Tests.Lis.LisTestKit;

namespace Dtc.Tests.Lis;

public class SpecimenRejectedSampleTests
{
    private readonly LabReportMessage _report = Assert.Single(ParseSample("specimen-rejected.hl7").Reports);

    [Fact]
    public void RejectedSpecimenGivesReasonCodeAndText() =>
        Assert.Equal(new SpecimenRejection("RH", "Hemolysis", "HL70490"), _report.SpecimenRejection);

    [Fact]
    public void CancelledReportHasNoObservations()
    {
        Assert.Equal(LisStatus.Cancelled, _report.Status);
        Assert.Empty(_report.Observations);
    }

    [Fact]
    public void ReportIdentifiesKitAccessionAndDates()
    {
        Assert.Equal("55024188678", _report.KitBarcode);
        Assert.Equal("ACC-779001", _report.Accession);
        Assert.Equal("24331-1", _report.PanelCode);
        Assert.Equal(At("2026-11-16T09:00:00Z"), _report.CollectedAt);
        Assert.Equal(At("2026-11-21T11:59:00Z"), _report.IssuedAt);
    }

    [Fact]
    public void PatientIsLiChen()
    {
        var message = ParseSample("specimen-rejected.hl7");
        Assert.Equal("MSG00005", message.SourceMessageId);
        Assert.Equal("PAT-1003", Assert.Single(message.Patient.Identifiers).Value);
        Assert.Equal(("Chen", "Li"), (message.Patient.FamilyName, message.Patient.GivenName));
        Assert.Equal(new DateOnly(1992, 11, 30), message.Patient.BirthDate);
    }
}
