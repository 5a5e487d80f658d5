using System.Diagnostics.CodeAnalysis;
using Hl7.Fhir.Model;

namespace Dtc.Lis.Fhir;

internal static class FhirPatientMapper
{
    /// <summary>The report's subject: a Patient in the message, or a bare identifier on the reference.</summary>
    public static bool TryMap(
        ResourceReference? subject, Patient? patient, [NotNullWhen(true)] out LabPatient? result, [NotNullWhen(false)] out LisParseError? error)
    {
        result = null;
        error = null;
        var identifiers = (patient?.Identifier ?? (subject?.Identifier is { } bare ? [bare] : []))
            .Select(i => (Value: FhirValues.NullIfEmpty(i.Value), Identifier: i))
            .Where(i => i.Value is not null)
            .Select(i => new PatientIdentifier(i.Value!, FhirValues.NullIfEmpty(i.Identifier.System), TypeOf(i.Identifier)))
            .ToList();
        if (identifiers.Count == 0)
        {
            error = new(LisErrorCodes.MissingField, "Patient.identifier (or DiagnosticReport.subject.identifier) is missing: the result cannot be matched to a patient");
            return false;
        }

        if (!FhirValues.TryBirthDate(patient?.BirthDate, out var birthDate))
        {
            error = new(LisErrorCodes.BadDate, "Patient.birthDate is not a full date (YYYY-MM-DD)");
            return false;
        }

        var name = patient?.Name.FirstOrDefault(n => n.Use is HumanName.NameUse.Official or HumanName.NameUse.Usual)
            ?? patient?.Name.FirstOrDefault();
        result = new LabPatient
        {
            Identifiers = identifiers,
            FamilyName = FhirValues.NullIfEmpty(name?.Family),
            GivenName = FhirValues.NullIfEmpty(name?.Given.FirstOrDefault()),
            BirthDate = birthDate,
        };
        return true;
    }

    private static string? TypeOf(Identifier identifier) =>
        FhirValues.FirstCoding(identifier.Type)?.Code ?? FhirValues.NullIfEmpty(identifier.Type?.Text);
}
