using System.Net;
using Dtc.Api.Results;
using ReportStatus = Dtc.Data.Results.ReportStatus;
using Observation = Hl7.Fhir.Model.Observation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Dtc.Tests.Api;

public sealed class FhirExportTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async System.Threading.Tasks.Task TheExportIsABundleTheFirelyParserReadsBack()
    {
        var patient = await fixture.Api.SignUpAsync();
        var kit = Seed.Kit(patient.Id);
        var report = Seed.Report(patient.Id, kit.Id);
        report.AddVersion(ReportStatus.Corrected, DateTimeOffset.UtcNow,
            Seed.Numeric(1, "4548-4", "Hemoglobin A1c", 6.1m, "%", 4.0m, 5.6m, "H", ReportStatus.Corrected));
        await fixture.Database.SaveAsync(kit, report);

        var response = await patient.Client.GetAsync($"/api/v1/results/{report.Id}/fhir");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FhirExport.ContentType, response.Content.Headers.ContentType!.MediaType);
        var bundle = new FhirJsonDeserializer().Deserialize<Bundle>(await response.Content.ReadAsStringAsync());
        Assert.Equal(Bundle.BundleType.Collection, bundle.Type);

        var diagnostic = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<DiagnosticReport>());
        var fhirPatient = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Patient>());
        var observation = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<Observation>());
        Assert.Equal(DiagnosticReport.DiagnosticReportStatus.Corrected, diagnostic.Status);
        Assert.Equal("4548-4", diagnostic.Code!.Coding.Single().Code);
        Assert.Equal("http://loinc.org", diagnostic.Code.Coding.Single().System);
        Assert.Equal(report.Accession, diagnostic.Identifier.Single().Value);

        var patientUrl = bundle.Entry.Single(e => e.Resource is Hl7.Fhir.Model.Patient).FullUrl;
        Assert.Equal(patientUrl, diagnostic.Subject!.Reference);
        Assert.Equal(patientUrl, observation.Subject!.Reference);
        Assert.Equal(bundle.Entry.Single(e => e.Resource is Observation).FullUrl, diagnostic.Result.Single().Reference);
        Assert.Equal("Rivera", fhirPatient.Name.Single().Family);
        Assert.Equal("1985-02-14", fhirPatient.BirthDate);

        var quantity = Assert.IsType<Quantity>(observation.Value);
        Assert.Equal((6.1m, "%", "http://unitsofmeasure.org"), (quantity.Value, quantity.Code, quantity.System));
        Assert.Equal("H", observation.Interpretation.Single().Coding.Single().Code);
        Assert.Equal((4.0m, 5.6m), (observation.ReferenceRange.Single().Low!.Value, observation.ReferenceRange.Single().High!.Value));
        Assert.Equal(ObservationStatus.Corrected, observation.Status);
    }

    [Fact]
    public async System.Threading.Tasks.Task AnotherPatientsOrAnUnknownReportExportAnswers404()
    {
        var owner = await fixture.Api.SignUpAsync();
        var other = await fixture.Api.SignUpAsync();
        var kit = Seed.Kit(owner.Id);
        var report = Seed.Report(owner.Id, kit.Id);
        await fixture.Database.SaveAsync(kit, report);

        await ProblemAssert.IsProblemAsync(await other.Client.GetAsync($"/api/v1/results/{report.Id}/fhir"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await owner.Client.GetAsync($"/api/v1/results/{Guid.NewGuid()}/fhir"), HttpStatusCode.NotFound);
    }
}
