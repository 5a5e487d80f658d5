using Dtc.Data.Kits;
using Dtc.Data.Results;
using Dtc.Messaging.Contracts;

namespace Dtc.Tests.LisIngestion;

public sealed class SpecimenRejectionTests
{
    [Fact]
    public async Task RejectedSpecimenRejectsTheKitInPlainWordsAndAsksForANewSample()
    {
        await using var bed = await LisTestBed.StartAsync();
        await bed.PublishSampleAsync("specimen-rejected.hl7");
        await bed.HandledAsync(1);

        var kit = await bed.KitAsync("55024188678");
        Assert.Equal((KitStatus.Rejected, "RH"), (kit.Status, kit.RejectionCode));
        Assert.Contains("haemolysis", kit.RejectionReason);
        Assert.Contains("collect a new sample", kit.RejectionReason);
        var report = (await bed.ReportAsync("55024188678"))!;
        Assert.Equal((ReportStatus.Cancelled, false), (report.Status, report.Released));
        Assert.Empty(Assert.Single(report.Versions).Observations);

        var rejected = Assert.Single(await bed.PublishedAsync<SpecimenRejected>());
        Assert.Equal((kit.Id, report.CustomerId, "55024188678", "RH", kit.RejectionReason),
            (rejected.KitId, rejected.CustomerId, rejected.Barcode, rejected.ReasonCode, rejected.Reason));
        var job = Assert.Single(await bed.PublishedAsync<NotificationSend>());
        Assert.Equal(("specimen-rejected", $"result:{report.Id}:v1", kit.Id.ToString()), (job.Template, job.DedupeKey, job.Data!["kitId"]));
        Assert.Empty(await bed.PublishedAsync<ResultReleased>());
    }

    [Theory]
    [InlineData("Specimen clotted on arrival.", "RC")]
    [InlineData("QNS - please recollect", "QS")]
    [InlineData("", "not-tested")]
    public async Task CancelledReportWithoutSpm21TakesItsReasonFromTheLabsNote(string note, string code)
    {
        await using var bed = await LisTestBed.StartAsync();
        await bed.PublishHl7Async(new A1cMessage { Status = "X", Value = null, ReportNotes = note.Length > 0 ? [note] : [] }.ToString());
        await bed.HandledAsync(1);

        var kit = await bed.KitAsync("77300166491");
        Assert.Equal((KitStatus.Rejected, code), (kit.Status, kit.RejectionCode));
        Assert.Equal(code, Assert.Single(await bed.PublishedAsync<SpecimenRejected>()).ReasonCode);
        Assert.Equal("specimen-rejected", Assert.Single(await bed.PublishedAsync<NotificationSend>()).Template);
    }

    [Fact]
    public async Task SecondCancellationOfARejectedKitTellsThePatientNothingMore()
    {
        await using var bed = await LisTestBed.StartAsync();
        var first = new A1cMessage { Status = "X", Value = null, RejectReason = "RC^Clotting^HL70490" };
        await bed.PublishHl7Async(first.ToString());
        await bed.HandledAsync(1);
        await bed.PublishHl7Async((first with { ControlId = "LATER", IssuedAt = first.IssuedAt.AddHours(1) }).ToString());
        await bed.HandledAsync(2);

        Assert.Equal(2, (await bed.ReportAsync("77300166491"))!.CurrentVersion);
        Assert.Single(await bed.PublishedAsync<SpecimenRejected>());
        Assert.Single(await bed.PublishedAsync<NotificationSend>());
    }
}
