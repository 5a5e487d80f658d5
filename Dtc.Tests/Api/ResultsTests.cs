using System.Net;
using System.Net.Http.Json;
using Dtc.Api.Audit;
using Dtc.Api.Http;
using Dtc.Api.Results;
using Dtc.Data.Results;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.Api;

public sealed class ResultsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    ApiFactory Api => fixture.Api;

    async Task<(Patient Patient, Guid KitId)> PatientWithKitAsync()
    {
        var patient = await Api.SignUpAsync();
        var kit = Seed.Kit(patient.Id);
        await fixture.Database.SaveAsync(kit);
        return (patient, kit.Id);
    }

    /// <summary>A lipid report: preliminary, then final, then corrected (LDL 160 H → 120 N); the last version is current.</summary>
    static LabReport CorrectedLipid(Guid customerId, Guid kitId)
    {
        var at = DateTimeOffset.UtcNow.AddDays(-1);
        var report = Seed.Report(customerId, kitId, at.AddHours(-2), ReportStatus.Preliminary);
        report.PanelCode = "57698-3";
        report.PanelDisplay = "Lipid panel";
        report.Versions.Clear();
        report.AddVersion(ReportStatus.Preliminary, at.AddHours(-2), Seed.Numeric(1, "2093-3", "Cholesterol", 210m, "mg/dL", null, 200m, "H", ReportStatus.Preliminary));
        report.AddVersion(ReportStatus.Final, at.AddHours(-1),
            Seed.Numeric(1, "2093-3", "Cholesterol", 210m, "mg/dL", null, 200m, "H"),
            Seed.Numeric(2, "13457-7", "LDL cholesterol", 160m, "mg/dL", null, 130m, "H"));
        report.AddVersion(ReportStatus.Corrected, at,
            Seed.Numeric(1, "2093-3", "Cholesterol", 210m, "mg/dL", null, 200m, "H", ReportStatus.Corrected),
            Seed.Numeric(2, "13457-7", "LDL cholesterol", 120m, "mg/dL", null, 130m, "N", ReportStatus.Corrected),
            Seed.Numeric(3, "2085-9", "HDL cholesterol", 0m, "mg/dL", 40m, null, null, ReportStatus.EnteredInError));
        return report;
    }

    async Task<List<string>> AuditAsync(Guid customerId)
    {
        await using var db = fixture.Database.CreateContext();
        return await db.AuditEvents.Where(a => a.CustomerId == customerId).Select(a => a.Action).ToListAsync();
    }

    [Fact]
    public async Task TheListShowsOnlyMyReleasedReportsNewestFirstAndIsAudited()
    {
        var (patient, kit) = await PatientWithKitAsync();
        var older = Seed.Report(patient.Id, kit, DateTimeOffset.UtcNow.AddDays(-10));
        var newer = Seed.Report(patient.Id, kit, DateTimeOffset.UtcNow.AddDays(-1));
        var unreleased = Seed.Report(patient.Id, kit, DateTimeOffset.UtcNow, released: false);
        await fixture.Database.SaveAsync(older, newer, unreleased);

        var page = (await patient.Client.GetFromJsonAsync<Page<ResultSummary>>("/api/v1/results"))!;

        Assert.Equal([newer.Id, older.Id], page.Items.Select(r => r.Id));
        Assert.Null(page.NextCursor);
        Assert.Equal("Hemoglobin A1c", page.Items[0].PanelDisplay);
        Assert.Contains(AuditActions.ResultList, await AuditAsync(patient.Id));
        await ProblemAssert.IsProblemAsync(await patient.Client.GetAsync($"/api/v1/results/{unreleased.Id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TheListFiltersByStatusAndIssueDateAndPages()
    {
        var (patient, kit) = await PatientWithKitAsync();
        var day = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var reports = Enumerable.Range(0, 5).Select(i => Seed.Report(patient.Id, kit, day.AddDays(i), i == 2 ? ReportStatus.Preliminary : ReportStatus.Final)).ToArray();
        await fixture.Database.SaveAsync(reports);

        var preliminary = (await patient.Client.GetFromJsonAsync<Page<ResultSummary>>("/api/v1/results?status=preliminary"))!;
        var finalOrCorrected = (await patient.Client.GetFromJsonAsync<Page<ResultSummary>>("/api/v1/results?status=final&status=corrected"))!;
        var window = (await patient.Client.GetFromJsonAsync<Page<ResultSummary>>("/api/v1/results?from=2026-03-11&to=2026-03-12"))!;
        var first = (await patient.Client.GetFromJsonAsync<Page<ResultSummary>>("/api/v1/results?limit=2"))!;
        var second = (await patient.Client.GetFromJsonAsync<Page<ResultSummary>>($"/api/v1/results?limit=2&cursor={first.NextCursor}"))!;
        var third = (await patient.Client.GetFromJsonAsync<Page<ResultSummary>>($"/api/v1/results?limit=2&cursor={second.NextCursor}"))!;

        Assert.Equal([reports[2].Id], preliminary.Items.Select(r => r.Id));
        Assert.Equal(4, finalOrCorrected.Items.Count);
        Assert.Equal([reports[2].Id, reports[1].Id], window.Items.Select(r => r.Id));
        Assert.Equal(Enumerable.Reverse(reports).Select(r => r.Id), first.Items.Concat(second.Items).Concat(third.Items).Select(r => r.Id));
        Assert.Null(third.NextCursor);
    }

    [Fact]
    public async Task BadFiltersNameTheParameter()
    {
        var patient = await Api.SignUpAsync();

        await ProblemAssert.NamesFieldsAsync(await patient.Client.GetAsync("/api/v1/results?status=great"), "status");
        await ProblemAssert.NamesFieldsAsync(await patient.Client.GetAsync("/api/v1/results?from=2026-02-01&to=2026-01-01"), "from");
        await ProblemAssert.NamesFieldsAsync(await patient.Client.GetAsync("/api/v1/results?from=last-week"), "from");
        await ProblemAssert.NamesFieldsAsync(await patient.Client.GetAsync("/api/v1/results?cursor=AAAA"), "cursor");
    }

    [Fact]
    public async Task OneResultShowsValuesFlagsRangesAndWhatTheCorrectionReplaced()
    {
        var (patient, kit) = await PatientWithKitAsync();
        var report = CorrectedLipid(patient.Id, kit);
        await fixture.Database.SaveAsync(report);

        var result = (await patient.Client.GetFromJsonAsync<ResultDetail>($"/api/v1/results/{report.Id}"))!;

        Assert.Equal((ReportStatus.Corrected, 3, false), (result.Status, result.Version, result.Withdrawn));
        Assert.Equal("Dtc Reference Lab", result.Lab!.Name);
        Assert.Equal(["2093-3", "13457-7"], result.Observations.Select(o => o.Code)); // the entered-in-error HDL is withdrawn
        var ldl = result.Observations[1];
        Assert.Equal((120m, "mg/dL", "N", false), (ldl.Value, ldl.Unit, ldl.Flag, ldl.Abnormal));
        Assert.Equal(130m, ldl.ReferenceRange!.High);
        Assert.True(result.Observations[0].Abnormal);
        Assert.Equal([3, 2, 1], result.Versions.Select(v => v.Number));
        var replaced = result.Versions[1];
        Assert.Equal(ReportStatus.Final, replaced.Status);
        Assert.NotNull(replaced.SupersededAt);
        Assert.Equal(160m, replaced.Observations.Single(o => o.Code == "13457-7").Value);
        Assert.Contains(AuditActions.ResultRead, await AuditAsync(patient.Id));
    }

    [Fact]
    public async Task AnEnteredInErrorReportIsShownWithdrawnWithoutValues()
    {
        var (patient, kit) = await PatientWithKitAsync();
        var report = Seed.Report(patient.Id, kit, DateTimeOffset.UtcNow.AddDays(-2));
        report.AddVersion(ReportStatus.EnteredInError, DateTimeOffset.UtcNow.AddDays(-1), Seed.Numeric(1, "4548-4", "Hemoglobin A1c", 9.9m, "%", 4m, 5.6m, "HH", ReportStatus.EnteredInError));
        await fixture.Database.SaveAsync(report);

        var result = (await patient.Client.GetFromJsonAsync<ResultDetail>($"/api/v1/results/{report.Id}"))!;

        Assert.True(result.Withdrawn);
        Assert.Empty(result.Observations);
        Assert.True(result.Versions[0].Withdrawn);
        Assert.Empty(result.Versions[0].Observations);
        Assert.Equal(5.4m, result.Versions[1].Observations.Single().Value); // the version it withdrew
    }

    [Fact]
    public async Task MarkingViewedKeepsTheFirstTimeAndIsAudited()
    {
        var (patient, kit) = await PatientWithKitAsync();
        var report = Seed.Report(patient.Id, kit);
        await fixture.Database.SaveAsync(report);

        Assert.Equal(HttpStatusCode.NoContent, (await patient.Client.PostAsync($"/api/v1/results/{report.Id}/viewed", null)).StatusCode);
        var first = (await patient.Client.GetFromJsonAsync<ResultDetail>($"/api/v1/results/{report.Id}"))!.ViewedAt;
        Api.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.NoContent, (await patient.Client.PostAsync($"/api/v1/results/{report.Id}/viewed", null)).StatusCode);

        Assert.NotNull(first);
        Assert.Equal(first, (await patient.Client.GetFromJsonAsync<ResultDetail>($"/api/v1/results/{report.Id}"))!.ViewedAt);
        Assert.Equal(2, (await AuditAsync(patient.Id)).Count(a => a == AuditActions.ResultViewed));
    }

    [Fact]
    public async Task EveryResultReadIsAuditedWithActorResourceAddressAndTrace()
    {
        var (patient, kit) = await PatientWithKitAsync();
        var report = Seed.Report(patient.Id, kit);
        await fixture.Database.SaveAsync(report);

        await patient.Client.GetAsync($"/api/v1/results/{report.Id}");
        await patient.Client.GetAsync($"/api/v1/results/{report.Id}/fhir");

        await using var db = fixture.Database.CreateContext();
        var events = await db.AuditEvents.Where(a => a.CustomerId == patient.Id && a.ResourceId == report.Id.ToString()).ToListAsync();
        Assert.Equal([AuditActions.ResultRead, AuditActions.ResultExport], events.OrderBy(e => e.Id).Select(e => e.Action));
        Assert.All(events, e =>
        {
            Assert.Equal(patient.Id, e.ActorId);
            Assert.Equal(AuditActions.LabReport, e.ResourceType);
            Assert.Equal(32, e.TraceId?.Length);
            Assert.True(DateTimeOffset.UtcNow - e.OccurredAt < TimeSpan.FromMinutes(30));
        });
    }
}
