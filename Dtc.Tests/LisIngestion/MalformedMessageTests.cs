using System.Text;
using Dtc.Lis;
using Dtc.Messaging;
using Dtc.Messaging.Contracts;
using Dtc.Tests.Lis;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.LisIngestion;

/// <summary>What the parser refuses is parked with its reason; the queue keeps flowing and nothing is stored.</summary>
public sealed class MalformedMessageTests
{
    static readonly string lipid = LisTestKit.Text("lipid-final.hl7");

    static readonly (string What, string Body, string ContentType, string Code)[] broken =
    [
        ("truncated in transit", lipid[..400], LisResult.Hl7ContentType, LisErrorCodes.Truncated),
        ("last segment without its terminator", lipid.TrimEnd('\r'), LisResult.Hl7ContentType, LisErrorCodes.Truncated),
        ("version 2.7.1", lipid.ReplaceOnce("|2.5.1|", "|2.7.1|"), LisResult.Hl7ContentType, LisErrorCodes.UnsupportedVersion),
        ("no OBR", string.Concat(lipid.Split('\r').Take(2).Select(s => s + "\r")), LisResult.Hl7ContentType, LisErrorCodes.NoObr),
        ("a 30th of February", lipid.ReplaceOnce("|19850214|", "|19850230|"), LisResult.Hl7ContentType, LisErrorCodes.BadDate),
        ("a 25th hour", lipid.ReplaceOnce("|20261120143012|", "|20261120253012|"), LisResult.Hl7ContentType, LisErrorCodes.BadDate),
        ("words in an NM value", lipid.ReplaceOnce("||212|", "||two hundred|"), LisResult.Hl7ContentType, LisErrorCodes.NonNumericNm),
        ("encoding characters cut short", lipid.ReplaceOnce("MSH|^~\\&|", "MSH|^~|&|"), LisResult.Hl7ContentType, LisErrorCodes.BadEncodingCharacters),
        ("an ADT instead of an ORU", lipid.ReplaceOnce("|ORU^R01^ORU_R01|", "|ADT^A01^ADT_A01|"), LisResult.Hl7ContentType, LisErrorCodes.NotOruR01),
        ("HL7 sent as text/plain", lipid, "text/plain", LisErrorCodes.UnsupportedContentType),
        ("JSON that is not FHIR", "{\"resourceType\": \"Bundle\", \"entry\": 7}", LisResult.FhirContentType, LisErrorCodes.BadFhir),
        ("a FHIR Patient alone", "{\"resourceType\": \"Patient\", \"id\": \"p\"}", LisResult.FhirContentType, LisErrorCodes.UnsupportedResource),
        ("an accession longer than the lab's format", lipid.Replace("ACC-778812", new string('7', 70), StringComparison.Ordinal), LisResult.Hl7ContentType, "field-too-long"),
    ];

    [Fact]
    public async Task EachBrokenMessageIsParkedWithItsReasonAndTheGoodOneBehindThemIsStored()
    {
        await using var bed = await LisTestBed.StartAsync();
        var ids = new Dictionary<string, (string What, string Code)>();
        foreach (var (what, body, contentType, code) in broken)
        {
            ids[(await bed.Lis.PublishRawAsync(LisResult.MessageType, Encoding.UTF8.GetBytes(body), contentType)).ToString()] = (what, code);
        }
        await bed.PublishSampleAsync("lipid-final.hl7");

        var parked = await bed.ParkedAsync(broken.Length);
        Assert.Equal(broken.Length, parked.Count);
        foreach (var p in parked)
        {
            var (what, code) = ids[p.MessageId!];
            Assert.True(code == p.ReasonCode, $"{what}: expected {code}, parked as {p.ReasonCode} ({p.Reason})");
            Assert.False(string.IsNullOrWhiteSpace(p.Reason), what);
        }
        await bed.HandledAsync(1);
        await using var db = bed.Db();
        Assert.Equal("48219573028", await db.LabReports.Select(r => db.Kits.Single(k => k.Id == r.KitId).Barcode).SingleAsync());
        Assert.Equal(0, await db.QuarantinedMessages.CountAsync());
        Assert.Equal(0, await bed.Broker.QueueDepthAsync(Topology.Queues.LisTestResult));
        Assert.Equal(broken.Length, bed.Metrics.Sum("dtc.lis.messages", "outcome=parked"));
        // Parked at once, never retried: every one of them is a message that can never succeed.
        Assert.Equal(0, bed.Metrics.Sum("dtc.messaging.retried"));
    }
}
