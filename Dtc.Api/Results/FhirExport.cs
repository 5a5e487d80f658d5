using System.Text.Json;
using Dtc.Data.Customers;
using ReportStatus = Dtc.Data.Results.ReportStatus;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Dtc.Api.Results;

/// <summary>A result as a FHIR R4 collection Bundle: the DiagnosticReport, its Observations and the Patient, linked by urn:uuid.</summary>
public static class FhirExport
{
    public const string ContentType = "application/fhir+json";
    public const string PatientNumberSystem = "urn:dtc:patient-number";
    public const string AccessionSystem = "urn:dtc:accession";
    const string Loinc = "http://loinc.org";
    const string Ucum = "http://unitsofmeasure.org";
    const string Interpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

    static readonly JsonSerializerOptions json = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    public static string Bundle(ResultDetail result, Customer customer, DateTimeOffset now)
    {
        var patientUrl = Urn(customer.Id);
        var observations = result.Observations.Select(o => (Url: Urn(o.Id), Resource: Observation(o, result, patientUrl))).ToList();
        var report = new DiagnosticReport
        {
            Id = result.Id.ToString(),
            Identifier = [new Identifier(AccessionSystem, result.Accession) { Type = V2Type("ACSN") }],
            Status = ReportStatusOf(result.Status),
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/v2-0074", "LAB", "Laboratory")],
            Code = new CodeableConcept(SystemOf(result.PanelCode), result.PanelCode, result.PanelDisplay, result.PanelDisplay),
            Subject = new ResourceReference(patientUrl),
            Effective = result.CollectedAt is { } collected ? new FhirDateTime(collected) : null,
            Issued = result.IssuedAt,
            Performer = result.Lab is { } lab ? [new ResourceReference { Display = lab.Name }] : [],
            Result = observations.Select(o => new ResourceReference(o.Url)).ToList(),
        };
        var bundle = new Bundle
        {
            Id = Guid.NewGuid().ToString(),
            Type = Hl7.Fhir.Model.Bundle.BundleType.Collection,
            Timestamp = now,
            Entry = [Entry(Urn(result.Id), report), Entry(patientUrl, Patient(customer)), .. observations.Select(o => Entry(o.Url, o.Resource))],
        };
        return JsonSerializer.Serialize(bundle, json);
    }

    static Patient Patient(Customer c) => new()
    {
        Id = c.Id.ToString(),
        Identifier = [new Identifier(PatientNumberSystem, c.PatientNumber) { Type = V2Type("MR") }],
        Name = [new HumanName { Family = c.FamilyName, Given = [c.GivenName] }],
        BirthDate = c.DateOfBirth?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
    };

    static Observation Observation(ObservationDto o, ResultDetail result, string patientUrl) => new()
    {
        Id = o.Id.ToString(),
        Status = ObservationStatusOf(o.Status),
        Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", "Laboratory")],
        Code = new CodeableConcept(o.CodeSystem == "LN" ? Loinc : "urn:dtc:code", o.Code, o.Display, o.Display),
        Subject = new ResourceReference(patientUrl),
        Effective = (o.ObservedAt ?? result.CollectedAt) is { } at ? new FhirDateTime(at) : null,
        Issued = result.IssuedAt,
        Value = o.Value is { } number ? Quantity(number, o.Unit) : o.Text is { } text ? new FhirString(text) : null,
        Interpretation = o.Flag is { } flag ? [new CodeableConcept(Interpretation, flag)] : [],
        ReferenceRange = o.ReferenceRange is { } range
            ? [new Observation.ReferenceRangeComponent
            {
                Low = range.Low is { } low ? Quantity(low, o.Unit) : null,
                High = range.High is { } high ? Quantity(high, o.Unit) : null,
                Text = range.Text,
            }]
            : [],
    };

    static Quantity Quantity(decimal value, string? unit) =>
        new() { Value = value, Unit = unit, System = unit is null ? null : Ucum, Code = unit };

    static CodeableConcept V2Type(string code) => new("http://terminology.hl7.org/CodeSystem/v2-0203", code);

    static Bundle.EntryComponent Entry(string fullUrl, Resource resource) => new() { FullUrl = fullUrl, Resource = resource };

    static string Urn(Guid id) => $"urn:uuid:{id}";

    /// <summary>LOINC codes are digits, a dash and a check digit; the catalogue has a few house panel codes too.</summary>
    static string SystemOf(string code) => System.Text.RegularExpressions.Regex.IsMatch(code, @"^\d{1,7}-\d$") ? Loinc : "urn:dtc:panel";

    static DiagnosticReport.DiagnosticReportStatus ReportStatusOf(string status) => status switch
    {
        ReportStatus.Preliminary => DiagnosticReport.DiagnosticReportStatus.Preliminary,
        ReportStatus.Corrected => DiagnosticReport.DiagnosticReportStatus.Corrected,
        ReportStatus.Cancelled => DiagnosticReport.DiagnosticReportStatus.Cancelled,
        ReportStatus.EnteredInError => DiagnosticReport.DiagnosticReportStatus.EnteredInError,
        _ => DiagnosticReport.DiagnosticReportStatus.Final,
    };

    static ObservationStatus ObservationStatusOf(string status) => status switch
    {
        ReportStatus.Preliminary => ObservationStatus.Preliminary,
        ReportStatus.Corrected => ObservationStatus.Corrected,
        ReportStatus.Cancelled => ObservationStatus.Cancelled,
        ReportStatus.EnteredInError => ObservationStatus.EnteredInError,
        _ => ObservationStatus.Final,
    };
}
