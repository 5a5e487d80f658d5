using System.Text;
using System.Text.Unicode;
using Dtc.Lis.Fhir;
using Dtc.Lis.Hl7;
using Dtc.Lis.Oru;

namespace Dtc.Lis;

/// <summary>
/// The one entry point for LIS result bodies. Never throws: every input, however broken, gives a
/// <see cref="LabMessage"/> or a <see cref="LisParseError"/>.
/// </summary>
public static class LisParser
{
    public static IReadOnlyList<string> Hl7ContentTypes { get; } = ["x-application/hl7-v2+er7", "application/hl7-v2", "application/hl7-v2+er7"];
    public static IReadOnlyList<string> FhirContentTypes { get; } = ["application/fhir+json", "application/json+fhir"];

    /// <summary>Chooses HL7 v2 or FHIR by the message's content type (parameters such as charset honoured).</summary>
    public static LisParseResult Parse(ReadOnlySpan<byte> body, string? contentType)
    {
        var (mediaType, charset) = SplitContentType(contentType);
        if (Hl7ContentTypes.Contains(mediaType))
            return ParseHl7(body, charset);
        if (FhirContentTypes.Contains(mediaType))
            return ParseFhir(body);
        return new LisParseError(LisErrorCodes.UnsupportedContentType,
            $"content type{(mediaType.Length == 0 ? " is missing" : $" '{mediaType}' is not one of {string.Join(", ", [.. Hl7ContentTypes, .. FhirContentTypes])}")}");
    }

    /// <summary>
    /// HL7 v2 bytes. Without a charset the body is read as UTF-8 when it is valid UTF-8, else as
    /// Latin-1 (ISO 8859-1, the usual MSH-18 of older LIS); bytes are never dropped either way.
    /// </summary>
    public static LisParseResult ParseHl7(ReadOnlySpan<byte> body, string? charset = null)
    {
        if (body.IsEmpty)
            return new LisParseError(LisErrorCodes.Empty, "the body is empty");
        if (body.Contains((byte)0))
            return new LisParseError(LisErrorCodes.NotHl7, "the body holds NUL bytes: it is binary, not HL7 ER7 text");

        var latin1 = charset is "iso-8859-1" or "latin1" or "iso_8859-1";
        return ParseHl7(latin1 || !Utf8.IsValid(body) ? Encoding.Latin1.GetString(body) : Encoding.UTF8.GetString(body));
    }

    public static LisParseResult ParseHl7(string text) => Guarded(text, static t =>
        Hl7Message.TryParse(t, out var message, out var error) ? OruR01Mapper.Map(message) : error);

    /// <summary>FHIR R4 JSON: a Bundle (collection, message, transaction...) or a bare DiagnosticReport.</summary>
    public static LisParseResult ParseFhir(ReadOnlySpan<byte> utf8Json) =>
        utf8Json.IsEmpty ? new LisParseError(LisErrorCodes.Empty, "the body is empty") : Guarded(utf8Json.ToArray(), FhirResultParser.Parse);

    // The parsers are written to return errors, not throw; this is the last resort that keeps a bug
    // in them from becoming a poison message that kills a consumer. Tests assert it is never reached.
    private static LisParseResult Guarded<T>(T input, Func<T, LisParseResult> parse)
    {
        try
        {
            return parse(input);
        }
        catch (Exception ex)
        {
            return new LisParseError(LisErrorCodes.Internal, $"the parser failed ({ex.GetType().Name}); this is a bug in Dtc.Lis");
        }
    }

    private static (string MediaType, string? Charset) SplitContentType(string? contentType)
    {
        var parts = (contentType ?? "").Split(';', StringSplitOptions.TrimEntries);
        var charset = parts.Skip(1)
            .Select(p => p.Split('=', 2, StringSplitOptions.TrimEntries))
            .FirstOrDefault(kv => kv.Length == 2 && kv[0].Equals("charset", StringComparison.OrdinalIgnoreCase))?[1].Trim('"').ToLowerInvariant();
        return (parts[0].ToLowerInvariant(), charset);
    }
}
