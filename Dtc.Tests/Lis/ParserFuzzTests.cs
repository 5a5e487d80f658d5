using System.Reflection;
using Dtc.Lis;
using Xunit.Abstractions;
using static Dtc.Tests.Lis.LisTestKit;

namespace Dtc.Tests.Lis;

/// <summary>
/// Property: whatever bytes arrive, the parser returns a message or a known error, and never needs
/// its catch-all. Each case has its own seed, printed on failure, so one case can be replayed alone.
/// </summary>
public class ParserFuzzTests(ITestOutputHelper output)
{
    // 7 samples × 800 = 5,600 mutated bodies by default; LIS_FUZZ_CASES=50000 for a deeper run by hand.
    private static readonly int CasesPerSample =
        int.TryParse(Environment.GetEnvironmentVariable("LIS_FUZZ_CASES"), out var cases) && cases > 0 ? cases : 800;

    private static readonly HashSet<string> KnownCodes =
    [
        .. typeof(LisErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!),
    ];

    private static readonly HashSet<string> Statuses =
        [LisStatus.Preliminary, LisStatus.Final, LisStatus.Corrected, LisStatus.Cancelled, LisStatus.EnteredInError];

    public static TheoryData<int, string> Samples()
    {
        var data = new TheoryData<int, string>();
        string[] all = [.. Hl7Samples, FhirSample];
        for (var i = 0; i < all.Length; i++)
            data.Add(i, all[i]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void MutatedSampleGivesAMessageOrAKnownErrorAndNeverThrows(int sampleIndex, string sample)
    {
        var original = Bytes(sample);
        var contentType = sample.EndsWith(".json", StringComparison.Ordinal) ? FhirContentType : Hl7ContentType;
        var outcomes = new Dictionary<string, int>();
        for (var i = 0; i < CasesPerSample; i++)
        {
            var seed = (sampleIndex * 1_000_003) + i;
            var random = new Random(seed);
            var body = Mutator.Mutate(original, random);
            // Now and then the other format's content type, as a misconfigured sender would.
            var type = random.Next(20) == 0 ? (contentType == Hl7ContentType ? FhirContentType : Hl7ContentType) : contentType;
            var outcome = Check(LisParser.Parse(body, type), $"seed {seed}, content type {type}, body {Convert.ToBase64String(body)}");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        output.WriteLine(string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}")));
        Assert.True(outcomes.GetValueOrDefault("ok") > 0, "no mutation left the message readable: the mutations are too coarse");
        Assert.True(outcomes.Count > 3, "mutations reached too few error paths");
    }

    [Fact]
    public void RandomBytesGiveAnErrorAndNeverThrow()
    {
        for (var seed = 0; seed < 500; seed++)
        {
            var random = new Random(seed);
            var body = new byte[random.Next(0, 300)];
            random.NextBytes(body);
            if (seed % 2 == 0 && body.Length > 4)
                "MSH|"u8.CopyTo(body);
            Check(LisParser.Parse(body, seed % 3 == 0 ? FhirContentType : Hl7ContentType), $"seed {seed}");
        }
    }

    /// <summary>Returns "ok" or the error code, after checking the result keeps the model's promises.</summary>
    private static string Check(LisParseResult result, string replay)
    {
        if (!result.IsSuccess)
        {
            Assert.True(result.Error.Code != LisErrorCodes.Internal, $"parser threw internally: {result.Error} ({replay})");
            Assert.True(KnownCodes.Contains(result.Error.Code), $"unknown code {result.Error.Code} ({replay})");
            Assert.False(string.IsNullOrWhiteSpace(result.Error.Detail), replay);
            return result.Error.Code;
        }

        var message = result.Message;
        Assert.False(string.IsNullOrWhiteSpace(message.SourceMessageId), replay);
        Assert.NotEmpty(message.Patient.Identifiers);
        Assert.NotEmpty(message.Reports);
        foreach (var report in message.Reports)
        {
            Assert.False(string.IsNullOrWhiteSpace(report.KitBarcode) || string.IsNullOrWhiteSpace(report.Accession)
                || string.IsNullOrWhiteSpace(report.PanelCode), replay);
            Assert.Contains(report.Status, Statuses);
            Assert.All(report.Observations, o => Assert.True(Statuses.Contains(o.Status) && !string.IsNullOrWhiteSpace(o.Code), replay));
        }

        return "ok";
    }
}
