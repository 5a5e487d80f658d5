using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Hl7.Fhir.Model;

namespace Dtc.Lis.Fhir;

/// <summary>A coding reduced to what the model keeps; System is already mapped by <see cref="FhirValues.CodeSystem"/>.</summary>
internal readonly record struct CodingParts(string Code, string? Display, string? System);

/// <summary>FHIR value conversions shared by the mappers.</summary>
internal static class FhirValues
{
    /// <summary>The system DTC puts on the kit identifier in lis.order and expects back.</summary>
    public const string KitSystem = "urn:dtc:kit";

    // The model keeps HL7 v2 coding-system names so that both formats store the same "LN".
    private static readonly Dictionary<string, string> CodeSystems = new(StringComparer.OrdinalIgnoreCase)
    {
        ["http://loinc.org"] = "LN",
        ["http://snomed.info/sct"] = "SCT",
        ["http://unitsofmeasure.org"] = "UCUM",
        ["http://terminology.hl7.org/CodeSystem/v2-0487"] = "HL70487",
        ["http://terminology.hl7.org/CodeSystem/v2-0490"] = "HL70490",
    };

    public static string? CodeSystem(string? uri) =>
        string.IsNullOrWhiteSpace(uri) ? null : CodeSystems.GetValueOrDefault(uri, uri);

    public static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The first coding that has a code, with that code trimmed.</summary>
    public static CodingParts? FirstCoding(CodeableConcept? concept) =>
        concept?.Coding
            .Select(c => (Code: NullIfEmpty(c.Code), Coding: c))
            .Where(c => c.Code is not null)
            .Select(c => (CodingParts?)new CodingParts(c.Code!, NullIfEmpty(c.Coding.Display), CodeSystem(c.Coding.System)))
            .FirstOrDefault();

    public static bool HasType(Identifier identifier, string code) =>
        identifier.Type?.Coding.Any(c => c.Code == code) ?? false;

    /// <summary>dateTime, Period (its start) or instant; no offset means UTC, as for HL7.</summary>
    public static bool TryTime(DataType? value, string where, out DateTimeOffset? time, [NotNullWhen(false)] out LisParseError? error)
    {
        (time, error) = (null, null);
        var text = value switch
        {
            FhirDateTime dt => dt.Value,
            Period p => p.Start,
            Instant { Value: { } instant } => instant.ToString("o", CultureInfo.InvariantCulture),
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(text))
            return true;
        if (new FhirDateTime(text).TryToDateTimeOffset(TimeSpan.Zero, out var parsed))
        {
            time = parsed;
            return true;
        }

        error = new(LisErrorCodes.BadDate, $"{where} is not a FHIR dateTime");
        return false;
    }

    /// <summary>A birthDate must be a whole date to be checked against the kit's patient.</summary>
    public static bool TryBirthDate(string? value, out DateOnly? date)
    {
        date = null;
        if (string.IsNullOrWhiteSpace(value))
            return true;
        if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            return false;
        date = parsed;
        return true;
    }

    public static string? Address(Address? address)
    {
        if (address is null)
            return null;
        if (!string.IsNullOrWhiteSpace(address.Text))
            return address.Text.Trim();
        var stateZip = $"{address.State} {address.PostalCode}".Trim();
        string?[] parts = [.. address.Line, address.City, stateZip, address.Country];
        return NullIfEmpty(string.Join(", ", parts.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim())));
    }

    public static string? PersonName(HumanName? name)
    {
        if (name is null)
            return null;
        if (!string.IsNullOrWhiteSpace(name.Text))
            return name.Text.Trim();
        string?[] parts = [.. name.Prefix, .. name.Given, name.Family, .. name.Suffix];
        return NullIfEmpty(string.Join(" ", parts.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim())));
    }
}
