using System.Globalization;
using System.Text;
using Dtc.Lis;

namespace Dtc.Tests.Lis;

/// <summary>Loads the sample messages and turns parse results into assertions.</summary>
internal static class LisTestKit
{
    public const string Hl7ContentType = "x-application/hl7-v2+er7";
    public const string FhirContentType = "application/fhir+json";

    public static readonly string[] Hl7Samples =
    [
        "lipid-final.hl7", "a1c-1-preliminary.hl7", "a1c-2-final.hl7", "a1c-3-corrected.hl7",
        "escapes-and-repeats.hl7", "specimen-rejected.hl7",
    ];

    public const string FhirSample = "vitamin-d-final.fhir.json";

    public static byte[] Bytes(string sample) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Lis", "Samples", sample));

    public static string Text(string sample) => Encoding.UTF8.GetString(Bytes(sample));

    public static LabMessage ParseSample(string sample) =>
        Ok(LisParser.Parse(Bytes(sample), sample.EndsWith(".json", StringComparison.Ordinal) ? FhirContentType : Hl7ContentType));

    public static LisParseResult ParseHl7(string text) => LisParser.Parse(Encoding.UTF8.GetBytes(text), Hl7ContentType);

    public static LisParseResult ParseFhir(string json) => LisParser.Parse(Encoding.UTF8.GetBytes(json), FhirContentType);

    public static LabMessage Ok(LisParseResult result)
    {
        Assert.True(result.IsSuccess, $"expected a message, got {result.Error}");
        return result.Message;
    }

    public static LisParseError Fails(LisParseResult result, string code)
    {
        Assert.False(result.IsSuccess, "expected an error, the message parsed");
        Assert.True(code == result.Error.Code, $"expected {code}, got {result.Error}");
        return result.Error;
    }

    /// <summary>"2026-11-20T14:30:12Z" or with an offset.</summary>
    public static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture);

    /// <summary>Replaces exactly one occurrence, so a test fails loudly if a sample changes under it.</summary>
    public static string ReplaceOnce(this string text, string oldValue, string newValue)
    {
        var at = text.IndexOf(oldValue, StringComparison.Ordinal);
        Assert.True(at >= 0 && text.IndexOf(oldValue, at + 1, StringComparison.Ordinal) < 0, $"'{oldValue}' must occur exactly once");
        return string.Concat(text.AsSpan(0, at), newValue, text.AsSpan(at + oldValue.Length));
    }
}
