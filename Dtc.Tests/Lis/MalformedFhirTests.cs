using Dtc.Lis;
using static Dtc.Tests.Lis.LisTestKit;

namespace Dtc.Tests.Lis;

public class MalformedFhirTests
{
    private static readonly string VitaminD = Text(FhirSample);

    [Theory]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("\"x\"")]
    [InlineData("{\"resourceType\": 42}")]
    [InlineData("MSH|^~\\&|LIS\r")]
    [InlineData("{\"resourceType\":\"Bundle\",\"type\":\"bogus\"}")]
    [InlineData("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"timestamp\":\"2026-13-45\"}")]
    [InlineData("{\"resourceType\":\"DiagnosticReport\",\"unknownElement\":1}")]
    public void MalformedJsonOrInvalidFhirIsBadFhir(string json) => Fails(ParseFhir(json), LisErrorCodes.BadFhir);

    [Fact]
    public void InvalidUtf8IsBadFhir() =>
        Fails(LisParser.Parse([(byte)'{', 0xC3, 0x28, (byte)'}'], FhirContentType), LisErrorCodes.BadFhir);

    [Fact]
    public void EmptyFhirBodyIsEmpty() => Fails(LisParser.Parse([], FhirContentType), LisErrorCodes.Empty);

    [Fact]
    public void DeeplyNestedJsonIsBadFhir() =>
        Fails(ParseFhir(new string('[', 200) + new string(']', 200)), LisErrorCodes.BadFhir);

    [Fact]
    public void OtherResourceTypeIsUnsupported() =>
        Fails(ParseFhir("{\"resourceType\":\"Patient\",\"id\":\"p1\"}"), LisErrorCodes.UnsupportedResource);

    [Fact]
    public void BundleWithoutDiagnosticReportHasNoReport() =>
        Fails(ParseFhir("{\"resourceType\":\"Bundle\",\"id\":\"b1\",\"type\":\"collection\",\"entry\":[]}"), LisErrorCodes.NoObr);

    private static readonly string WithoutIdentifier = VitaminD.ReplaceOnce(
        "\"identifier\": {\n    \"system\": \"urn:acmelab:message\",\n    \"value\": \"FHIR-MSG-0001\"\n  },", "");

    [Fact]
    public void BundleIdStandsInForAMissingIdentifier() =>
        Assert.Equal("b-vitd-0001", Ok(ParseFhir(WithoutIdentifier)).SourceMessageId);

    [Fact]
    public void BundleWithoutIdOrIdentifierIsMissingField() =>
        Fails(ParseFhir(WithoutIdentifier.ReplaceOnce("\"id\": \"b-vitd-0001\",", "")), LisErrorCodes.MissingField);

    [Fact]
    public void PartialBirthDateIsBadDate() =>
        Fails(ParseFhir(VitaminD.ReplaceOnce("\"1979-03-22\"", "\"1979\"")), LisErrorCodes.BadDate);

    [Fact]
    public void PatientWithoutIdentifierIsMissingField() =>
        Fails(ParseFhir(VitaminD.ReplaceOnce("\"value\": \"PAT-1005\"", "\"value\": \" \"")), LisErrorCodes.MissingField);

    [Fact]
    public void ObservationWithoutCodeIsMissingField()
    {
        // The Observation entry comes first in the sample; the DiagnosticReport keeps its code.
        const string code = "\"code\": \"62292-8\",";
        var json = VitaminD.Remove(VitaminD.IndexOf(code, StringComparison.Ordinal), code.Length);
        var error = Fails(ParseFhir(json), LisErrorCodes.MissingField);
        Assert.Contains("result[0].code", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void FhirJsonWithByteOrderMarkIsAccepted() =>
        Ok(LisParser.Parse([0xEF, 0xBB, 0xBF, .. Bytes(FhirSample)], FhirContentType));
}
