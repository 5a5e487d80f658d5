using Dtc.Data.Kits;
using Dtc.Data.Results;
using Dtc.Messaging;
using Dtc.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.LisIngestion;

public sealed class DuplicateAndConcurrencyTests
{
    [Fact]
    public async Task MessageTheLabSendsAgainHasNoSecondEffect()
    {
        await using var bed = await LisTestBed.StartAsync();
        await bed.PublishSampleAsync("lipid-final.hl7");
        await bed.HandledAsync(1);
        // The same MSH-10 under a new broker message id (the LIS re-sent it), then the same delivery again.
        var again = await bed.PublishSampleAsync("lipid-final.hl7");
        await bed.PublishSampleAsync("lipid-final.hl7", again);
        await bed.HandledAsync(2);

        var report = (await bed.ReportAsync("48219573028"))!;
        Assert.Equal(1, report.CurrentVersion);
        Assert.Single(report.Versions);
        Assert.Single(await bed.PublishedAsync<ResultReleased>());
        Assert.Single(await bed.PublishedAsync<NotificationSend>());
        Assert.Equal(1, await bed.Metrics.UntilAsync("dtc.lis.messages", "outcome=duplicate", 1));
        await bed.Metrics.UntilAsync("dtc.messaging.duplicates", null, 1);
    }

    [Fact]
    public async Task SameVersionUnderAnotherControlIdIsTheSameVersion()
    {
        await using var bed = await LisTestBed.StartAsync();
        var final = new A1cMessage();
        await bed.PublishHl7Async(final.ToString());
        await bed.PublishHl7Async((final with { ControlId = "RESENT-1" }).ToString());
        await bed.HandledAsync(2);

        Assert.Single((await bed.ReportAsync("77300166491"))!.Versions);
        Assert.Single(await bed.PublishedAsync<NotificationSend>());
    }

    [Fact]
    public async Task TwoReplicasGivenVersionsOfOneReportInAnyOrderEndOnTheNewestWithEveryVersionOnce()
    {
        await using var bed = await LisTestBed.StartAsync(replicas: 2);
        var start = new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);
        var versions = Enumerable.Range(0, 40)
            .Select(i => new A1cMessage { ControlId = $"V{i:D2}", IssuedAt = start.AddMinutes(i), Status = i == 0 ? "P" : i < 39 ? "F" : "C", Value = $"{5 + i / 10m}" })
            .OrderBy(_ => Random.Shared.Next())
            .ToList();
        await Task.WhenAll(versions.Select(v => bed.PublishHl7Async(v.ToString())));
        await bed.HandledAsync(versions.Count);

        var report = (await bed.ReportAsync("77300166491"))!;
        Assert.Equal((40, ReportStatus.Corrected, start.AddMinutes(39), true), (report.CurrentVersion, report.Status, report.IssuedAt, report.Released));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (i + 1, $"V{i:D2}")), report.Versions.Select(v => (v.Number, v.SourceMessageId)));
        Assert.Equal(39, report.Versions.Count(v => v.SupersededAt is not null));
        Assert.Equal(8.9m, report.Versions[^1].Observations[0].NumericValue);
        Assert.Equal(KitStatus.Resulted, (await bed.KitAsync("77300166491")).Status);
        Assert.Equal(0, await bed.Broker.QueueDepthAsync(Topology.ParkingQueue(Topology.Queues.LisTestResult)));
        // Whatever the interleaving, the patient is told at most once per version that became current.
        var told = await bed.PublishedAsync<NotificationSend>();
        Assert.Equal(told.Count, told.Select(n => n.DedupeKey).Distinct().Count());
    }

    [Fact]
    public async Task TwoReplicasStoreManyKitsResultsEachOnce()
    {
        await using var bed = await LisTestBed.StartAsync(replicas: 2, seedSamples: false);
        var patients = new List<A1cMessage>();
        for (var i = 0; i < 60; i++)
        {
            var barcode = $"2{i:D9}0";
            var family = $"Patient{i}";
            await bed.AddPatientWithKitAsync($"PAT-L{i:D4}", "Test", family, new DateOnly(1980, 1, 1 + i % 28), barcode);
            patients.Add(new A1cMessage { Barcode = barcode, Accession = $"ACC-{i}", PatientId = $"PAT-L{i:D4}^^^DTC^PI", FamilyName = family, BirthDate = $"198001{1 + i % 28:D2}" });
        }
        var messages = patients.SelectMany(p => new[] { p with { Status = "P" }, p with { ControlId = p.ControlId + "F", IssuedAt = p.IssuedAt.AddHours(1) } }).ToList();
        await Task.WhenAll(messages.Select(m => bed.PublishHl7Async(m.ToString())));
        await bed.HandledAsync(messages.Count);

        await using var db = bed.Db();
        Assert.Equal(60, await db.LabReports.CountAsync(r => r.Status == ReportStatus.Final && r.Released && r.CurrentVersion == 2));
        Assert.Equal(120, await db.ReportVersions.CountAsync());
        Assert.Equal(60, await db.Kits.CountAsync(k => k.Status == KitStatus.Resulted));
        Assert.Equal(60, (await bed.PublishedAsync<ResultReleased>()).Count);
    }
}
