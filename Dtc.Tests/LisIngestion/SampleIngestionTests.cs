using Dtc.Data.Kits;
using Dtc.Data.Results;
using Dtc.Messaging.Contracts;
using static Dtc.Tests.Lis.LisTestKit;

namespace Dtc.Tests.LisIngestion;

/// <summary>Each sample of samples/lis goes through the broker and consumer-lis-testresult into the database.</summary>
public sealed class SampleIngestionTests
{
    [Fact]
    public async Task LipidFinalIsStoredWithItsValuesRangesFlagsAndLabAndReleased()
    {
        await using var bed = await LisTestBed.StartAsync();
        await bed.PublishSampleAsync("lipid-final.hl7");
        await bed.HandledAsync(1);

        var report = (await bed.ReportAsync("48219573028"))!;
        Assert.Equal(("ACC-778812", "57698-3", "Lipid panel with direct LDL - Serum or Plasma"), (report.Accession, report.PanelCode, report.PanelDisplay));
        Assert.Equal((ReportStatus.Final, 1, true), (report.Status, report.CurrentVersion, report.Released));
        Assert.Equal(At("2026-11-20T14:30:00Z"), report.IssuedAt);
        Assert.Equal(At("2026-11-18T08:15:00Z"), report.CollectedAt);
        Assert.Equal(("ACME Reference Laboratory", "100 Lab Way, Austin, TX 78701", "Dr. Grace Lee"), (report.Lab!.Name, report.Lab.Address, report.Lab.Director));
        var version = Assert.Single(report.Versions);
        Assert.Equal(("MSG00001", "hl7v2", ReportStatus.Final), (version.SourceMessageId, version.SourceFormat, version.Status));
        Assert.Null(version.SupersededAt);
        Assert.Equal(
        [
            ("2093-3", 212m, "mg/dL", "<200", (decimal?)null, (decimal?)200m, "H"),
            ("2571-8", 148m, "mg/dL", "<150", null, 150m, "N"),
            ("2085-9", 38m, "mg/dL", ">=40", 40m, null, "L"),
            ("18262-6", 145m, "mg/dL", "<100", null, 100m, "H"),
        ], version.Observations.Select(o => (o.Code, o.NumericValue!.Value, o.Unit!, o.ReferenceRange!, o.ReferenceLow, o.ReferenceHigh, o.Flag!)));
        Assert.All(version.Observations, o => Assert.Equal((ReportStatus.Final, "LN", "NM", At("2026-11-20T14:25:00Z")), (o.Status, o.CodeSystem, o.ValueType, o.ObservedAt!.Value)));
        Assert.Equal("Cholesterol [Mass/volume] in Serum or Plasma", version.Observations[0].Display);

        var kit = await bed.KitAsync("48219573028");
        Assert.Equal(KitStatus.Resulted, kit.Status);
        Assert.NotNull(kit.ReceivedAt);
        Assert.NotNull(kit.ResultedAt);
        var released = Assert.Single(await bed.PublishedAsync<ResultReleased>());
        Assert.Equal((report.Id, report.KitId, report.CustomerId, 1, ReportStatus.Final), (released.ReportId, released.KitId, released.CustomerId, released.Version, released.Status));
        var notification = Assert.Single(await bed.PublishedAsync<NotificationSend>());
        Assert.Equal((report.CustomerId, "result-ready", $"result:{report.Id}:v1"), (notification.CustomerId, notification.Template, notification.DedupeKey));
        Assert.Equal(report.Id.ToString(), notification.Data!["reportId"]);
    }

    [Fact]
    public async Task EscapedTextCodedAndComparatorValuesAreStoredAsTheLabMeantThem()
    {
        await using var bed = await LisTestBed.StartAsync();
        await bed.PublishSampleAsync("escapes-and-repeats.hl7");
        await bed.HandledAsync(1);

        var report = (await bed.ReportAsync("91344700256"))!;
        Assert.Equal(("ACC-779100", "5196-1", ReportStatus.Final, true), (report.Accession, report.PanelCode, report.Status, report.Released));
        var obs = Assert.Single(report.Versions).Observations;
        Assert.Equal(3, obs.Count);
        Assert.Equal(("CWE", "Negative", (decimal?)null, "NEG"), (obs[0].ValueType, obs[0].TextValue, obs[0].NumericValue, obs[0].Flag));
        Assert.Equal(("ST", "Specimen received at 4^C; result | method: CMIA."), (obs[1].ValueType, obs[1].TextValue));
        Assert.Equal(("SN", ">1000", "m[IU]/mL", ">=10", (decimal?)10m), (obs[2].ValueType, obs[2].TextValue, obs[2].Unit, obs[2].ReferenceRange, obs[2].ReferenceLow));
        // No OBX-23: the sending facility (MSH-4) stands for the lab.
        Assert.Equal("ACMELAB", report.Lab!.Name);
    }

    [Fact]
    public async Task FhirBundleIsStoredLikeAnHl7Message()
    {
        await using var bed = await LisTestBed.StartAsync();
        await bed.PublishSampleAsync("vitamin-d-final.fhir.json");
        await bed.HandledAsync(1);

        var report = (await bed.ReportAsync("66209135848"))!;
        Assert.Equal(("ACC-779200", "62292-8", ReportStatus.Final, true), (report.Accession, report.PanelCode, report.Status, report.Released));
        Assert.Equal("ACME Reference Laboratory", report.Lab!.Name);
        var version = Assert.Single(report.Versions);
        Assert.Equal(("FHIR-MSG-0001", "fhir"), (version.SourceMessageId, version.SourceFormat));
        var obs = Assert.Single(version.Observations);
        Assert.Equal((18.5m, "ng/mL", "30-100 ng/mL", 30m, 100m, "L", ReportStatus.Final),
            (obs.NumericValue!.Value, obs.Unit, obs.ReferenceRange, obs.ReferenceLow!.Value, obs.ReferenceHigh!.Value, obs.Flag, obs.Status));
        Assert.Equal(KitStatus.Resulted, (await bed.KitAsync("66209135848")).Status);
    }

    [Fact]
    public async Task PreliminaryIsStoredButNotReleasedAndTheKitIsReceived()
    {
        await using var bed = await LisTestBed.StartAsync();
        await bed.PublishSampleAsync("a1c-1-preliminary.hl7");
        await bed.HandledAsync(1);

        var report = (await bed.ReportAsync("77300166491"))!;
        Assert.Equal((ReportStatus.Preliminary, false), (report.Status, report.Released));
        Assert.Equal(6.1m, Assert.Single(Assert.Single(report.Versions).Observations).NumericValue);
        Assert.Equal(KitStatus.Received, (await bed.KitAsync("77300166491")).Status);
        Assert.Empty(await bed.PublishedAsync<ResultReleased>());
        Assert.Empty(await bed.PublishedAsync<NotificationSend>());

        await bed.PublishSampleAsync("a1c-2-final.hl7");
        await bed.HandledAsync(2);
        report = (await bed.ReportAsync("77300166491"))!;
        Assert.Equal((ReportStatus.Final, true, 2), (report.Status, report.Released, report.CurrentVersion));
        Assert.Equal(KitStatus.Resulted, (await bed.KitAsync("77300166491")).Status);
        Assert.Equal("result-ready", Assert.Single(await bed.PublishedAsync<NotificationSend>()).Template);
    }

    [Fact]
    public async Task TimesWithAnOffsetAreStoredAsTheSameInstant()
    {
        await using var bed = await LisTestBed.StartAsync();
        // Every time of the sample, as a lab in UTC+1 writes it.
        var text = Text("lipid-final.hl7").Replace("20261120143000|", "20261120153000+0100|", StringComparison.Ordinal)
            .Replace("|20261120142500|", "|20261120152500+0100|", StringComparison.Ordinal)
            .Replace("|20261118081500|", "|20261118091500+0100|", StringComparison.Ordinal);
        await bed.PublishHl7Async(text);
        await bed.HandledAsync(1);

        var report = (await bed.ReportAsync("48219573028"))!;
        Assert.Equal((At("2026-11-20T14:30:00Z"), At("2026-11-18T08:15:00Z")), (report.IssuedAt, report.CollectedAt!.Value));
        Assert.All(report.Versions[0].Observations, o => Assert.Equal(At("2026-11-20T14:25:00Z"), o.ObservedAt));
        Assert.True(report.Released);
    }
}
