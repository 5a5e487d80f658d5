using Hl7.Fhir.Model;

namespace Dtc.Lis.Fhir;

/// <summary>Maps a Bundle (any type) or a bare DiagnosticReport with contained resources.</summary>
internal static class FhirMessageMapper
{
    public static LisParseResult Map(Resource root)
    {
        var bundle = root as Bundle;
        var resolver = bundle is null
            ? new FhirResolver([])
            : new FhirResolver(bundle.Entry.Where(e => e.Resource is not null).Select(e => (e.FullUrl, e.Resource!)));
        List<DiagnosticReport> reports = bundle is null ? [(DiagnosticReport)root] : [.. resolver.All.OfType<DiagnosticReport>()];
        if (reports.Count == 0)
            return new LisParseError(LisErrorCodes.NoObr, "the Bundle holds no DiagnosticReport: there is no report in it");

        var first = reports[0];
        var messageId = bundle is null
            ? FhirValues.NullIfEmpty(first.Id) ?? FhirValues.NullIfEmpty(first.Identifier.FirstOrDefault()?.Value)
            : FhirValues.NullIfEmpty(bundle.Identifier?.Value) ?? FhirValues.NullIfEmpty(bundle.Id);
        if (messageId is null)
            return new LisParseError(LisErrorCodes.MissingField, $"{root.TypeName}.identifier and {root.TypeName}.id are both missing: the message cannot be deduplicated");

        var messageTime = bundle?.Timestamp ?? bundle?.Meta?.LastUpdated ?? first.Issued;
        if (messageTime is null)
            return new LisParseError(LisErrorCodes.MissingField, "Bundle.timestamp (or DiagnosticReport.issued) is missing");

        // One patient per message, as for HL7: every report's subject must be the first one's.
        var subject = first.Subject;
        var patientResource = resolver.Resolve<Patient>(subject, first) ?? (bundle is null ? null : resolver.All.OfType<Patient>().SingleOrDefault());
        if (reports.Any(r => r.Subject?.Reference != subject?.Reference))
            return new LisParseError(LisErrorCodes.MultiplePatients, "the DiagnosticReports have different subjects: one patient per message");
        if (!FhirPatientMapper.TryMap(subject, patientResource, out var patient, out var error))
            return error;

        var mapped = new List<LabReportMessage>(reports.Count);
        foreach (var dr in reports)
        {
            if (!FhirReportMapper.TryMap(dr, $"DiagnosticReport[{mapped.Count}]", resolver, messageTime.Value, out var report, out error))
                return error;
            mapped.Add(report);
        }

        return new LabMessage
        {
            Format = LabMessageFormats.Fhir,
            SourceMessageId = messageId,
            MessageTime = messageTime.Value,
            SendingLab = FhirLabs.Sending(bundle, first, resolver),
            Patient = patient,
            Reports = mapped,
        };
    }
}
