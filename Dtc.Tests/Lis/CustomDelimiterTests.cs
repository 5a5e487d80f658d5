using System.Text.Json;
using Dtc.Lis;
using static Dtc.Tests.Lis.LisTestKit;

namespace Dtc.Tests.Lis;

/// <summary>Messages that declare other delimiters in MSH-1/MSH-2 than the usual |^~\&amp;.</summary>
public class CustomDelimiterTests
{
    // field, component, repetition, escape, subcomponent: | ^ ~ \ & become # $ * ! %
    private static string Reencode(string text) =>
        string.Concat(text.Select(c => c switch { '|' => '#', '^' => '$', '~' => '*', '\\' => '!', '&' => '%', _ => c }));

    [Theory]
    [InlineData("lipid-final.hl7")]
    [InlineData("specimen-rejected.hl7")]
    public void SampleReencodedWithOtherDelimitersParsesToTheSameMessage(string sample)
    {
        var original = Text(sample);
        Assert.DoesNotContain(original, c => c is '#' or '$' or '*' or '!' or '%');
        var reencoded = Reencode(original);
        Assert.StartsWith("MSH#$*!%#", reencoded, StringComparison.Ordinal);

        var expected = JsonSerializer.Serialize(ParseSample(sample));
        Assert.Equal(expected, JsonSerializer.Serialize(Ok(ParseHl7(reencoded))));
    }

    [Fact]
    public void DataCharacterThatIsADeclaredDelimiterTravelsEscaped()
    {
        // '%' is the subcomponent separator here, so the A1c unit must be sent as !T!.
        var reencoded = Reencode(Text("a1c-2-final.hl7").Replace("%", "\\T\\", StringComparison.Ordinal));
        var expected = JsonSerializer.Serialize(ParseSample("a1c-2-final.hl7"));
        Assert.Equal(expected, JsonSerializer.Serialize(Ok(ParseHl7(reencoded))));
    }

    // Samples with escapes are left out above on purpose: \S\ means "the component separator",
    // which is '$' here, so their decoded text differs by design.
    [Fact]
    public void EscapesUseTheDeclaredEscapeCharacterAndDecodeToTheDeclaredDelimiters()
    {
        var text = Reencode(Text("escapes-and-repeats.hl7")).ReplaceOnce("!S!C", "!S!C !T! !R! !E!");
        var obs = Ok(ParseHl7(text)).Reports[0].Observations[1];
        Assert.Equal("Specimen received at 4$C % * !; result # method: CMIA.", obs.TextValue);
    }

    [Fact]
    public void DefaultDelimitersAreLiteralTextUnderOtherDelimiters()
    {
        var text = Reencode(Text("escapes-and-repeats.hl7")).ReplaceOnce("Specimen received", "A|B^C~D\\E&F");
        Assert.StartsWith("A|B^C~D\\E&F at", Ok(ParseHl7(text)).Reports[0].Observations[1].TextValue);
    }

    [Theory]
    [InlineData("MSH|^~\\|LIS|")]
    [InlineData("MSH|^~\\&#|LIS|")]
    [InlineData("MSH|^^\\&|LIS|")]
    [InlineData("MSH|^~|&|LIS|")]
    [InlineData("MSHA^~\\&ALISA")]
    [InlineData("MSH ^~\\& LIS ")]
    [InlineData("MSH|^~\\\t|LIS|")]
    public void BadEncodingCharactersAreRefused(string header) =>
        Fails(ParseHl7(header + "LAB|DTC|DTC|20261120143012||ORU^R01|1|P|2.5.1\r"), LisErrorCodes.BadEncodingCharacters);
}
