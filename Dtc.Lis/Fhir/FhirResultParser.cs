using System.Text.Json;
using System.Text.Unicode;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;

namespace Dtc.Lis.Fhir;

/// <summary>Reads FHIR R4 JSON with the Firely SDK and hands the resource to <see cref="FhirMessageMapper"/>.</summary>
internal static class FhirResultParser
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    public static LisParseResult Parse(byte[] body)
    {
        var json = body.AsSpan().StartsWith(Utf8Bom) ? body.AsSpan(3) : body.AsSpan();

        // Firely throws on malformed JSON (and on a root that is not an object), so syntax is checked
        // first with System.Text.Json, whose JsonException is the documented, specific failure.
        if (!TryFindResourceType(json, out var resourceType, out var syntaxError))
            return syntaxError;
        if (resourceType is not ("Bundle" or "DiagnosticReport"))
            return new LisParseError(LisErrorCodes.UnsupportedResource,
                $"resourceType{Oru.Hl7Format.Code(resourceType)} is not a Bundle or DiagnosticReport");

        Resource? resource;
        IEnumerable<CodedException> issues;
        try
        {
            // NoOverflow: tolerate what loses no data, refuse what would leave typed properties
            // that throw when read (unknown codes, wrong types); those come back as issues.
            if (FhirJsonDeserializer.NOOVERFLOW.TryDeserializeResource(new Utf8JsonReader(json), out resource, out issues) && resource is not null)
                return FhirMessageMapper.Map(resource);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentException or CodedException)
        {
            return new LisParseError(LisErrorCodes.BadFhir, $"the FHIR SDK could not read the resource ({ex.GetType().Name})");
        }

        var first = issues.FirstOrDefault();
        var where = first is ExtendedCodedException { InstancePath: { Length: > 0 } path } ? $" at {path}" : "";
        return new LisParseError(LisErrorCodes.BadFhir,
            $"the {resourceType} is not valid FHIR R4: {issues.Count()} issue(s), first {first?.ErrorCode ?? "unknown"}{where}");
    }

    private static bool TryFindResourceType(ReadOnlySpan<byte> json, out string resourceType, out LisParseError error)
    {
        (resourceType, error) = ("", new LisParseError(LisErrorCodes.BadFhir, "the root is not a JSON object with a resourceType"));
        if (!Utf8.IsValid(json))
        {
            error = new LisParseError(LisErrorCodes.BadFhir, "the body is not UTF-8 text, as FHIR JSON must be");
            return false;
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return false;
            while (reader.Read())
            {
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("resourceType"u8)
                    && reader.Read() && reader.TokenType == JsonTokenType.String)
                    resourceType = reader.GetString() ?? "";
            }
        }
        catch (JsonException)
        {
            error = new LisParseError(LisErrorCodes.BadFhir, $"the body is not well-formed JSON (near byte {reader.BytesConsumed})");
            return false;
        }

        return resourceType.Length > 0;
    }
}
