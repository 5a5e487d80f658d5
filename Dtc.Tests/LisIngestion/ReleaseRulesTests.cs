using Dtc.Consumers.Lis;
using Dtc.Data.Kits;
using Dtc.Data.Results;
using Dtc.Lis;

namespace Dtc.Tests.LisIngestion;

/// <summary>The release rules, without a database: what each version does given the report as it stands.</summary>
public sealed class ReleaseRulesTests
{
    static readonly DateTimeOffset t = new(2026, 11, 21, 11, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(ReportStatus.Preliminary, false, null)]
    [InlineData(ReportStatus.Final, true, ReleaseRules.ResultReady)]
    [InlineData(ReportStatus.Corrected, true, ReleaseRules.ResultReady)]
    [InlineData(ReportStatus.Cancelled, false, ReleaseRules.SpecimenRejected)]
    [InlineData(ReportStatus.EnteredInError, false, null)]
    public void FirstVersionOfAReport(string status, bool released, string? template)
    {
        var effect = ReleaseRules.Decide(null, status, t, specimenRejected: status == ReportStatus.Cancelled);
        Assert.Equal((VersionPlace.Current, released, released, template), (effect.Place, effect.Released, effect.PublishReleased, effect.Template));
    }

    [Theory]
    [InlineData(ReportStatus.Final, true, ReportStatus.Corrected, true, ReleaseRules.ResultUpdated)]
    [InlineData(ReportStatus.Preliminary, false, ReportStatus.Final, true, ReleaseRules.ResultReady)]
    [InlineData(ReportStatus.Final, true, ReportStatus.EnteredInError, false, ReleaseRules.ResultUpdated)]
    [InlineData(ReportStatus.Final, true, ReportStatus.Preliminary, false, ReleaseRules.ResultUpdated)]
    [InlineData(ReportStatus.Preliminary, false, ReportStatus.Preliminary, false, null)]
    public void NewerVersionOfAReport(string was, bool wasReleased, string status, bool released, string? template)
    {
        var effect = ReleaseRules.Decide(new CurrentVersion(was, t, wasReleased), status, t.AddHours(1), specimenRejected: false);
        Assert.Equal((VersionPlace.Current, released, template), (effect.Place, effect.Released, effect.Template));
    }

    [Fact]
    public void OlderVersionIsHistoryAndTheSameVersionIsADuplicate()
    {
        var current = new CurrentVersion(ReportStatus.Corrected, t, true);
        Assert.Equal(VersionPlace.History, ReleaseRules.Decide(current, ReportStatus.Final, t.AddSeconds(-1), false).Place);
        Assert.Equal(VersionPlace.Duplicate, ReleaseRules.Decide(current, ReportStatus.Corrected, t, false).Place);
        // Issued in the same second as the final it corrects: the correction is still the later one.
        Assert.Equal(VersionPlace.History, ReleaseRules.Decide(current, ReportStatus.Final, t, false).Place);
    }

    [Fact]
    public void RejectedSpecimenIsNeverReleasedEvenWithFinalValues()
    {
        var effect = ReleaseRules.Decide(null, ReportStatus.Final, t, specimenRejected: true);
        Assert.Equal((false, true, ReleaseRules.SpecimenRejected), (effect.Released, effect.RejectKit, effect.Template));
    }

    [Theory]
    [InlineData(KitStatus.Registered, ReportStatus.Preliminary, KitStatus.Received)]
    [InlineData(KitStatus.Registered, ReportStatus.Final, KitStatus.Resulted)]
    [InlineData(KitStatus.Received, ReportStatus.Corrected, KitStatus.Resulted)]
    [InlineData(KitStatus.Resulted, ReportStatus.Preliminary, null)]
    [InlineData(KitStatus.Resulted, ReportStatus.EnteredInError, null)]
    [InlineData(KitStatus.Received, ReportStatus.Cancelled, KitStatus.Rejected)]
    [InlineData(KitStatus.Rejected, ReportStatus.Cancelled, null)]
    [InlineData(KitStatus.Rejected, ReportStatus.Final, KitStatus.Resulted)]
    public void KitMovesWithItsReport(string kit, string status, string? next) =>
        Assert.Equal(next, ReleaseRules.NextKitStatus(kit, ReleaseRules.Decide(null, status, t, status == ReportStatus.Cancelled)));

    [Theory]
    [InlineData("O'Neil", "O’NEIL")]
    [InlineData("Müller", "MULLER")]
    [InlineData("García López", "garcia-lopez")]
    [InlineData("Chen", " chen ")]
    public void NamesCompareWithoutCaseMarksOrPunctuation(string a, string b) =>
        Assert.Equal(PatientMatch.NameKey(a), PatientMatch.NameKey(b));

    [Fact]
    public void DifferentNamesStayDifferent() => Assert.NotEqual(PatientMatch.NameKey("O'Neil"), PatientMatch.NameKey("O'Neill"));

    [Theory]
    [InlineData("RH", null, "RH")]
    [InlineData("rc", null, "RC")]
    [InlineData(null, "Hemolyzed specimen", "RH")]
    [InlineData("ZZ", "Quantity not sufficient", "QS")]
    [InlineData(null, "Something odd", SpecimenRejections.NotTested)]
    public void RejectionReasonsBecomeTable0490Codes(string? code, string? text, string expected)
    {
        var (found, words) = SpecimenRejections.Describe(new SpecimenRejection(code, text, "HL70490"), []);
        Assert.Equal(expected, found);
        Assert.EndsWith("Please collect a new sample with a replacement kit.", words);
    }
}
