using Dtc.Data.Kits;
using Dtc.Data.Results;
using Dtc.Messaging.Contracts;

namespace Dtc.Tests.LisIngestion;

/// <summary>A result the lab takes back leaves the patient's view; its versions stay on record.</summary>
public sealed class WithdrawalTests
{
    [Fact]
    public async Task EnteredInErrorWithdrawsAReleasedResultAndTellsThePatient()
    {
        await using var bed = await LisTestBed.StartAsync();
        var final = new A1cMessage();
        await bed.PublishHl7Async(final.ToString());
        await bed.HandledAsync(1);
        Assert.True((await bed.ReportAsync("77300166491"))!.Released);

        // HL7 v2 withdraws result by result (OBX-11 W); all of them withdrawn is the report withdrawn.
        await bed.PublishHl7Async((final with { ControlId = "WITHDRAWN", Status = "C", ObservationStatus = "W", IssuedAt = final.IssuedAt.AddHours(2) }).ToString());
        await bed.HandledAsync(2);

        var report = (await bed.ReportAsync("77300166491"))!;
        Assert.Equal((ReportStatus.EnteredInError, false, 2), (report.Status, report.Released, report.CurrentVersion));
        Assert.Equal([ReportStatus.Final, ReportStatus.EnteredInError], report.Versions.Select(v => v.Status));
        Assert.Equal(ReportStatus.EnteredInError, report.Versions[1].Observations[0].Status);
        var told = await bed.PublishedAsync<NotificationSend>();
        Assert.Equal(["result-ready", "result-updated"], told.Select(n => n.Template));
        Assert.Empty(told[1].Data!); // no link to a report the patient can no longer open
        Assert.Single(await bed.PublishedAsync<ResultReleased>());
        Assert.Equal(KitStatus.Resulted, (await bed.KitAsync("77300166491")).Status);
    }

    [Fact]
    public async Task PreliminaryWithdrawnBeforeReleaseTellsThePatientNothing()
    {
        await using var bed = await LisTestBed.StartAsync();
        var preliminary = new A1cMessage { Status = "P" };
        await bed.PublishHl7Async(preliminary.ToString());
        await bed.HandledAsync(1);
        await bed.PublishHl7Async((preliminary with { ControlId = "GONE", ObservationStatus = "D", IssuedAt = preliminary.IssuedAt.AddHours(1) }).ToString());
        await bed.HandledAsync(2);

        var report = (await bed.ReportAsync("77300166491"))!;
        Assert.Equal((ReportStatus.EnteredInError, false), (report.Status, report.Released));
        Assert.Empty(await bed.PublishedAsync<NotificationSend>());
        Assert.Equal(KitStatus.Received, (await bed.KitAsync("77300166491")).Status);
    }
}
