using Hl7.Fhir.Model;

namespace Dtc.Lis.Fhir;

/// <summary>Who performed a report and who sent the message, from Organization, MessageHeader and displays.</summary>
internal static class FhirLabs
{
    /// <summary>DiagnosticReport.performer (an Organization or just a display) and resultsInterpreter as director.</summary>
    public static PerformingLab? Performing(DiagnosticReport dr, FhirResolver resolver)
    {
        var performer = dr.Performer.FirstOrDefault();
        var organization = resolver.Resolve<Organization>(performer, dr);
        var name = FhirValues.NullIfEmpty(organization?.Name) ?? FhirValues.NullIfEmpty(performer?.Display);
        if (name is null)
            return null;

        var interpreter = dr.ResultsInterpreter.FirstOrDefault();
        var director = FhirValues.PersonName(resolver.Resolve<Practitioner>(interpreter, dr)?.Name.FirstOrDefault())
            ?? FhirValues.NullIfEmpty(interpreter?.Display);
        return new PerformingLab(name, FhirValues.Address(organization?.Address.FirstOrDefault()), director);
    }

    /// <summary>MessageHeader.sender (or source) of a message bundle, else the first report's performer.</summary>
    public static SendingLab? Sending(Bundle? bundle, DiagnosticReport firstReport, FhirResolver resolver)
    {
        var header = bundle?.Entry.Select(e => e.Resource).OfType<MessageHeader>().FirstOrDefault();
        var reference = header?.Sender ?? firstReport.Performer.FirstOrDefault();
        var container = (DomainResource?)header ?? firstReport;
        var organization = resolver.Resolve<Organization>(reference, container);
        var identifier = organization?.Identifier.FirstOrDefault(i => !string.IsNullOrWhiteSpace(i.Value)) ?? reference?.Identifier;
        var name = FhirValues.NullIfEmpty(organization?.Name) ?? FhirValues.NullIfEmpty(reference?.Display)
            ?? FhirValues.NullIfEmpty(header?.Source?.Name);
        return name is null ? null : new SendingLab(name, FhirValues.NullIfEmpty(identifier?.Value), FhirValues.NullIfEmpty(identifier?.System));
    }
}
