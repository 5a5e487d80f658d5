using Dtc.Data.Results;
using Dtc.Messaging.Contracts;
using static Dtc.Tests.Lis.LisTestKit;

namespace Dtc.Tests.LisIngestion;

/// <summary>The three A1c messages (preliminary, final, corrected) of one report, in any order of delivery.</summary>
public sealed class VersionHistoryTests
{
    static readonly string[] inOrder = ["a1c-1-preliminary.hl7", "a1c-2-final.hl7", "a1c-3-corrected.hl7"];

    [Fact]
    public async Task CorrectedSupersedesFinalKeepsHistoryAndTellsThePatientAgain()
    {
        await using var bed = await LisTestBed.StartAsync();
        var report = await DeliverAsync(bed, inOrder);

        AssertCorrectedWithHistory(report);
        var released = await bed.PublishedAsync<ResultReleased>();
        Assert.Equal([(2, ReportStatus.Final), (3, ReportStatus.Corrected)], released.Select(r => (r.Version, r.Status)));
        var told = await bed.PublishedAsync<NotificationSend>();
        Assert.Equal([("result-ready", $"result:{report.Id}:v2"), ("result-updated", $"result:{report.Id}:v3")], told.Select(n => (n.Template, n.DedupeKey)));
        Assert.Equal(3, await bed.Metrics.UntilAsync("dtc.lis.messages", "outcome=stored", 3));
    }

    [Fact]
    public async Task InReverseOrderTheOlderVersionsBecomeHistoryAndNeverOverwriteTheCorrection()
    {
        await using var bed = await LisTestBed.StartAsync();
        var report = await DeliverAsync(bed, [.. inOrder.Reverse()]);

        AssertCorrectedWithHistory(report);
        // Only the correction was ever current: the patient was told once.
        Assert.Equal([(1, ReportStatus.Corrected)], (await bed.PublishedAsync<ResultReleased>()).Select(r => (r.Version, r.Status)));
        Assert.Equal("result-ready", Assert.Single(await bed.PublishedAsync<NotificationSend>()).Template);
        Assert.Equal(2, await bed.Metrics.UntilAsync("dtc.lis.messages", "outcome=stale", 2));
        Assert.Equal(1, bed.Metrics.Sum("dtc.lis.messages", "outcome=stored"));
    }

    [Fact]
    public async Task FinalArrivingAfterItsCorrectionIsHistoryOnly()
    {
        await using var bed = await LisTestBed.StartAsync();
        var report = await DeliverAsync(bed, ["a1c-1-preliminary.hl7", "a1c-3-corrected.hl7", "a1c-2-final.hl7"]);

        AssertCorrectedWithHistory(report);
    }

    static async Task<LabReport> DeliverAsync(LisTestBed bed, string[] samples)
    {
        for (var i = 0; i < samples.Length; i++)
        {
            // One at a time: the order of delivery is the point of the test.
            await bed.PublishSampleAsync(samples[i]);
            await bed.HandledAsync(i + 1);
        }
        return (await bed.ReportAsync("77300166491"))!;
    }

    /// <summary>The state both orders must end in: the correction current and released, the versions numbered by issue time.</summary>
    static void AssertCorrectedWithHistory(LabReport report)
    {
        Assert.Equal((ReportStatus.Corrected, 3, true), (report.Status, report.CurrentVersion, report.Released));
        Assert.Equal(At("2026-11-22T10:10:00Z"), report.IssuedAt);
        Assert.Equal("ACMELAB", report.Lab!.Name);
        Assert.Equal(
        [
            (1, ReportStatus.Preliminary, "MSG00002", At("2026-11-21T08:59:00Z"), true, 6.1m, "H"),
            (2, ReportStatus.Final, "MSG00003", At("2026-11-21T11:30:00Z"), true, 6.1m, "H"),
            (3, ReportStatus.Corrected, "MSG00004", At("2026-11-22T10:10:00Z"), false, 5.4m, "N"),
        ], report.Versions.Select(v => (v.Number, v.Status, v.SourceMessageId, v.IssuedAt, v.SupersededAt is not null,
            Assert.Single(v.Observations).NumericValue!.Value, v.Observations[0].Flag!)));
        Assert.Equal("Corrected result: calibration error on analyzer 3 & rerun on 2026-11-22.", report.Versions[2].Observations[0].Notes);
    }
}
