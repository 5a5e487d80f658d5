using Dtc.Lis;
using Dtc.Messaging;
using Dtc.Messaging.Contracts;
using Dtc.Tests.Infrastructure;
using Dtc.Tests.Lis;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.LisIngestion;

/// <summary>Broken messages through the whole consumer: each ends stored, quarantined or parked with a reason, never in a retry loop.</summary>
public sealed class MutatedMessageTests
{
    static readonly string[] acceptedParkCodes =
    [
        LisErrorCodes.Empty, LisErrorCodes.NotHl7, LisErrorCodes.Truncated, LisErrorCodes.BadEncodingCharacters, LisErrorCodes.BadSegment,
        LisErrorCodes.UnexpectedSegment, LisErrorCodes.UnsupportedVersion, LisErrorCodes.NotOruR01, LisErrorCodes.NoObr, LisErrorCodes.MissingField,
        LisErrorCodes.BadDate, LisErrorCodes.NonNumericNm, LisErrorCodes.BadSn, LisErrorCodes.BadStatus, LisErrorCodes.MultiplePatients,
        LisErrorCodes.BadFhir, LisErrorCodes.UnsupportedResource, "field-too-long", "duplicate-report", "unstorable-value",
    ];

    [Fact]
    public async Task EveryMutatedSampleEndsStoredQuarantinedOrParkedWithoutARetry()
    {
        await using var bed = await LisTestBed.StartAsync(replicas: 2);
        var random = new Random(20261125);
        var samples = LisTestKit.Hl7Samples.Append(LisTestKit.FhirSample).ToArray();
        const int each = 60;
        foreach (var sample in samples)
        {
            var original = LisTestKit.Bytes(sample);
            for (var i = 0; i < each; i++)
                await bed.Lis.PublishRawAsync(LisResult.MessageType, Mutator.Mutate(original, random), LisTestBed.ContentTypeOf(sample));
        }
        var total = samples.Length * each;

        var parkingQueue = Topology.ParkingQueue(Topology.Queues.LisTestResult);
        await Eventually.Until(async () =>
        {
            await using var db = bed.Db();
            return await db.Inbox.CountAsync() + await bed.Broker.QueueDepthAsync(parkingQueue);
        }, n => n == total, $"all {total} messages handled or parked", TimeSpan.FromMinutes(2));

        var parked = await bed.ParkedAsync(1);
        Assert.All(parked, p => Assert.True(acceptedParkCodes.Contains(p.ReasonCode), $"parked as {p.ReasonCode}: {p.Reason}"));
        Assert.Equal(0, bed.Metrics.Sum("dtc.messaging.retried"));
        // Many mutations leave a message readable (a changed value, a moved note): those are stored or quarantined.
        await using var check = bed.Db();
        Assert.True(await check.ReportVersions.CountAsync() + await check.QuarantinedMessages.CountAsync() > 0);
    }
}
