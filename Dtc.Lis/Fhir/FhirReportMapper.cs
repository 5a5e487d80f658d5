using System.Diagnostics.CodeAnalysis;
using Hl7.Fhir.Model;

namespace Dtc.Lis.Fhir;

/// <summary>Maps one DiagnosticReport, with the resources it references, to a <see cref="LabReportMessage"/>.</summary>
internal static class FhirReportMapper
{
    public static bool TryMap(
        DiagnosticReport dr, string where, FhirResolver resolver, DateTimeOffset messageTime,
        [NotNullWhen(true)] out LabReportMessage? report, [NotNullWhen(false)] out LisParseError? error)
    {
        report = null;
        var specimen = dr.Specimen.Select(r => resolver.Resolve<Specimen>(r, dr)).FirstOrDefault(s => s is not null);
        var orders = dr.BasedOn.Select(r => resolver.Resolve<ServiceRequest>(r, dr)).OfType<ServiceRequest>().ToList();

        var barcode = FhirIdentifiers.KitBarcode(dr, orders, specimen);
        if (barcode is null)
            return Missing($"{where}: kit barcode (an identifier with system {FhirValues.KitSystem} on basedOn, ServiceRequest or Specimen)", out error);

        var accession = FhirIdentifiers.Accession(dr, specimen);
        if (accession is null)
            return Missing($"{where}.identifier (accession)", out error);

        var panel = FhirValues.FirstCoding(dr.Code);
        if (panel is null)
            return Missing($"{where}.code (panel)", out error);

        var status = StatusOf(dr.Status);
        if (status is null)
            return Missing($"{where}.status (missing or unknown)", out error);

        if (!FhirValues.TryTime(dr.Effective, $"{where}.effective", out var collectedAt, out error)
            || (collectedAt is null && !FhirValues.TryTime(specimen?.Collection?.Collected, "Specimen.collection.collected", out collectedAt, out error)))
            return false;

        var observations = new List<LabObservation>(dr.Result.Count);
        foreach (var reference in dr.Result)
        {
            var resultWhere = $"{where}.result[{observations.Count}]";
            if (resolver.Resolve<Observation>(reference, dr) is not { } source)
            {
                // Dropping an unresolvable result would publish an incomplete report as if whole.
                error = new(LisErrorCodes.MissingField, $"{resultWhere} does not resolve to an Observation in the message");
                return false;
            }

            if (!FhirObservationMapper.TryMap(source, observations.Count + 1, resultWhere, out var observation, out error))
                return false;
            observations.Add(observation);
        }

        report = new LabReportMessage
        {
            KitBarcode = barcode,
            Accession = accession,
            PanelCode = panel.Value.Code,
            PanelDisplay = panel.Value.Display ?? FhirValues.NullIfEmpty(dr.Code.Text) ?? "",
            PanelCodeSystem = panel.Value.System,
            CollectedAt = collectedAt,
            IssuedAt = dr.Issued ?? messageTime,
            Status = status,
            PerformingLab = FhirLabs.Performing(dr, resolver),
            SpecimenRejection = RejectionOf(specimen),
            Notes = FhirValues.NullIfEmpty(dr.Conclusion) is { } conclusion ? [conclusion] : [],
            Observations = observations,
        };
        return true;
    }

    /// <summary>R4 has no reject-reason element: an unsatisfactory specimen's condition carries it (v2 SPM-21).</summary>
    private static SpecimenRejection? RejectionOf(Specimen? specimen)
    {
        if (specimen?.Status != Specimen.SpecimenStatus.Unsatisfactory)
            return null;
        var condition = specimen.Condition.FirstOrDefault();
        var coding = FhirValues.FirstCoding(condition);
        return new SpecimenRejection(coding?.Code, coding?.Display ?? FhirValues.NullIfEmpty(condition?.Text), coding?.System);
    }

    private static string? StatusOf(DiagnosticReport.DiagnosticReportStatus? status) => status switch
    {
        DiagnosticReport.DiagnosticReportStatus.Registered or DiagnosticReport.DiagnosticReportStatus.Partial
            or DiagnosticReport.DiagnosticReportStatus.Preliminary => LisStatus.Preliminary,
        DiagnosticReport.DiagnosticReportStatus.Final => LisStatus.Final,
        DiagnosticReport.DiagnosticReportStatus.Amended or DiagnosticReport.DiagnosticReportStatus.Corrected
            or DiagnosticReport.DiagnosticReportStatus.Appended => LisStatus.Corrected,
        DiagnosticReport.DiagnosticReportStatus.Cancelled => LisStatus.Cancelled,
        DiagnosticReport.DiagnosticReportStatus.EnteredInError => LisStatus.EnteredInError,
        _ => null,
    };

    private static bool Missing(string what, out LisParseError error)
    {
        error = new(LisErrorCodes.MissingField, $"{what} is missing");
        return false;
    }
}
