using Dtc.Lis;
using static Dtc.Tests.Lis.LisTestKit;

namespace Dtc.Tests.Lis;

/// <summary>A bare DiagnosticReport with contained resources, and the FHIR status and value variants.</summary>
public class FhirDiagnosticReportTests
{
    private const string Report = """
        {
          "resourceType": "DiagnosticReport",
          "id": "dr-42",
          "status": "__STATUS__",
          "identifier": [
            { "system": "urn:dtc:kit", "value": "48219573028" },
            { "type": { "coding": [ { "code": "FILL" } ] }, "value": "ACC-900" }
          ],
          "contained": [
            { "resourceType": "Patient", "id": "p", "identifier": [ { "system": "urn:dtc:patient", "value": "PAT-1001" } ],
              "name": [ { "family": "Rivera", "given": [ "Ana" ] } ], "birthDate": "1985-02-14" },
            { "resourceType": "Specimen", "id": "s", "status": "unsatisfactory",
              "condition": [ { "coding": [ { "system": "http://terminology.hl7.org/CodeSystem/v2-0490", "code": "RH", "display": "Hemolysis" } ] } ],
              "collection": { "collectedDateTime": "2026-11-18T09:15:00+01:00" } },
            { "resourceType": "Observation", "id": "o1", "status": "corrected",
              "code": { "coding": [ { "system": "http://loinc.org", "code": "5195-3", "display": "HBsAb" } ] },
              "valueQuantity": { "value": 1000, "comparator": ">", "unit": "m[IU]/mL" },
              "referenceRange": [ { "low": { "value": 10 } } ] },
            { "resourceType": "Observation", "id": "o2", "status": "final",
              "code": { "coding": [ { "system": "http://loinc.org", "code": "5196-1" } ] },
              "valueCodeableConcept": { "coding": [ { "system": "http://snomed.info/sct", "code": "260385009", "display": "Negative" } ] },
              "interpretation": [ { "coding": [ { "code": "NEG" } ] } ], "note": [ { "text": "Repeat in 6 months." } ] }
          ],
          "subject": { "reference": "#p" },
          "code": { "coding": [ { "system": "http://loinc.org", "code": "5196-1", "display": "HBsAg" } ] },
          "issued": "2026-11-23T08:00:00Z",
          "specimen": [ { "reference": "#s" } ],
          "result": [ { "reference": "#o1" }, { "reference": "#o2" } ]
        }
        """;

    private static LabMessage Parse(string status = "amended") => Ok(ParseFhir(Report.Replace("__STATUS__", status)));

    [Fact]
    public void BareReportResolvesContainedPatientSpecimenAndObservations()
    {
        var message = Parse();
        Assert.Equal("dr-42", message.SourceMessageId);
        Assert.Equal(At("2026-11-23T08:00:00Z"), message.MessageTime);
        Assert.Equal("PAT-1001", Assert.Single(message.Patient.Identifiers).Value);
        var report = Assert.Single(message.Reports);
        Assert.Equal(("48219573028", "ACC-900"), (report.KitBarcode, report.Accession));
        Assert.Equal(At("2026-11-18T08:15:00Z"), report.CollectedAt);
        Assert.Equal(2, report.Observations.Count);
    }

    [Fact]
    public void UnsatisfactorySpecimenConditionIsTheRejectReason() =>
        Assert.Equal(new SpecimenRejection("RH", "Hemolysis", "HL70490"), Assert.Single(Parse().Reports).SpecimenRejection);

    [Fact]
    public void QuantityWithComparatorBecomesTextAndComparatorLikeSn()
    {
        var obs = Assert.Single(Parse().Reports).Observations[0];
        Assert.Equal(("SN", ">1000", ">"), (obs.ValueType, obs.TextValue, obs.Comparator));
        Assert.Null(obs.NumericValue);
        Assert.Equal(LisStatus.Corrected, obs.Status);
        Assert.Equal((">=10", 10m), (obs.ReferenceRange, obs.ReferenceLow));
    }

    [Fact]
    public void CodeableConceptValueBecomesCodedValue()
    {
        var obs = Assert.Single(Parse().Reports).Observations[1];
        Assert.Equal(("CWE", "Negative"), (obs.ValueType, obs.TextValue));
        Assert.Equal(new CodedValue("260385009", "Negative", "SCT"), obs.CodedValue);
        Assert.Equal(InterpretationFlags.Negative, obs.Flag);
        Assert.Equal("Repeat in 6 months.", Assert.Single(obs.Notes));
    }

    [Theory]
    [InlineData("registered", LisStatus.Preliminary)]
    [InlineData("partial", LisStatus.Preliminary)]
    [InlineData("preliminary", LisStatus.Preliminary)]
    [InlineData("final", LisStatus.Final)]
    [InlineData("amended", LisStatus.Corrected)]
    [InlineData("corrected", LisStatus.Corrected)]
    [InlineData("appended", LisStatus.Corrected)]
    [InlineData("cancelled", LisStatus.Cancelled)]
    [InlineData("entered-in-error", LisStatus.EnteredInError)]
    public void FhirReportStatusMapsToDesignStatus(string fhirStatus, string expected) =>
        Assert.Equal(expected, Assert.Single(Parse(fhirStatus).Reports).Status);

    [Fact]
    public void UnknownReportStatusIsMissingField() =>
        Fails(ParseFhir(Report.Replace("__STATUS__", "unknown")), LisErrorCodes.MissingField);

    [Fact]
    public void ResultReferenceThatDoesNotResolveIsRefused() =>
        Fails(ParseFhir(Report.Replace("__STATUS__", "final").Replace("#o2", "#nowhere")), LisErrorCodes.MissingField);

    [Fact]
    public void ReportWithoutKitIdentifierIsRefused() =>
        Fails(ParseFhir(Report.Replace("__STATUS__", "final").Replace("urn:dtc:kit", "urn:other")), LisErrorCodes.MissingField);
}
