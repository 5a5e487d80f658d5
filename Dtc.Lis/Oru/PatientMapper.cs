using System.Diagnostics.CodeAnalysis;
using Dtc.Lis.Hl7;

namespace Dtc.Lis.Oru;

internal static class PatientMapper
{
    public static bool TryMap(Hl7Segment? pid, [NotNullWhen(true)] out LabPatient? patient, [NotNullWhen(false)] out LisParseError? error)
    {
        patient = null;
        if (pid is null)
        {
            error = new(LisErrorCodes.MissingField, "the PID segment is missing: the result cannot be matched to a patient");
            return false;
        }

        // CX: id^check digit^check scheme^assigning authority (HD)^identifier type.
        var identifiers = pid[3].Repetitions
            .Where(r => !string.IsNullOrWhiteSpace(r.Value))
            .Select(r => new PatientIdentifier(r.Value.Trim(), Hl7Format.NullIfEmpty(r.Component(4).Value), Hl7Format.NullIfEmpty(r.Component(5).Value)))
            .ToList();
        if (identifiers.Count == 0)
        {
            error = new(LisErrorCodes.MissingField, $"{pid.Where(3)} (patient identifier) is empty");
            return false;
        }

        DateOnly? birthDate = null;
        var dob = pid[7].Value;
        if (!string.IsNullOrWhiteSpace(dob))
        {
            if (!Hl7Time.TryParseDate(dob, out var parsed))
            {
                error = new(LisErrorCodes.BadDate, $"{pid.Where(7)} (birth date) is not an HL7 date (YYYYMMDD)");
                return false;
            }

            birthDate = parsed;
        }

        // XPN: family name (FN, surname first subcomponent)^given name.
        var name = pid[5].First;
        patient = new LabPatient
        {
            Identifiers = identifiers,
            FamilyName = Hl7Format.NullIfEmpty(name.Component(1).Subcomponent(1)),
            GivenName = Hl7Format.NullIfEmpty(name.Component(2).Value),
            BirthDate = birthDate,
        };
        error = null;
        return true;
    }
}
