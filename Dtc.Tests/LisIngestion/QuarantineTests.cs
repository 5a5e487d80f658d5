using Dtc.Data.Kits;
using Dtc.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.LisIngestion;

/// <summary>A result that cannot be matched to its kit's patient is kept aside, attached to no one.</summary>
public sealed class QuarantineTests
{
    public static TheoryData<string, A1cMessage, string> Mismatches => new()
    {
        { "another birth date", new A1cMessage { BirthDate = "19700902" }, "patient-mismatch" },
        { "no birth date", new A1cMessage { BirthDate = "" }, "patient-mismatch" },
        { "another family name", new A1cMessage { FamilyName = "O'Neill" }, "patient-mismatch" },
        { "another patient's number", new A1cMessage { PatientId = "PAT-1001^^^DTC^PI" }, "patient-mismatch" },
        { "a barcode no kit has", new A1cMessage { Barcode = "12345678903" }, "unknown-kit" },
        { "a kit nobody registered", new A1cMessage { Barcode = "10000000009" }, "kit-not-registered" },
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public async Task ResultThatDoesNotMatchTheKitsPatientIsQuarantinedAndNobodyCanReadIt(string what, A1cMessage message, string code)
    {
        await using var bed = await LisTestBed.StartAsync();
        await bed.AddKitAsync("10000000009", customerId: null, KitStatus.Shipped);
        var body = message.ToString();
        var messageId = await bed.PublishHl7Async(body);
        await bed.HandledAsync(1);

        await using var db = bed.Db();
        var quarantined = await db.QuarantinedMessages.SingleAsync();
        Assert.True((messageId, code, body) == (quarantined.MessageId, quarantined.ReasonCode, quarantined.Raw), what);
        Assert.Equal((message.ControlId, message.Barcode, "x-application/hl7-v2+er7"), (quarantined.SourceMessageId, quarantined.Barcode, quarantined.ContentType));
        Assert.DoesNotContain("O'Neil", quarantined.Reason);
        Assert.Equal(0, await db.LabReports.CountAsync());
        Assert.Equal(0, await db.Outbox.CountAsync());
        Assert.Equal(KitStatus.Registered, (await bed.KitAsync("77300166491")).Status);
        await bed.Metrics.UntilAsync("dtc.lis.messages", $"reason={code}", 1);
        Assert.Equal(1, bed.Metrics.Sum("dtc.lis.messages", "outcome=quarantined"));
        // Quarantine is an outcome, not a failure: nothing is parked or left in the queue.
        Assert.Equal(0, await bed.Broker.QueueDepthAsync(Topology.ParkingQueue(Topology.Queues.LisTestResult)));
    }

    [Fact]
    public async Task AnotherPatientsResultOnThisKitReachesNeitherPatient()
    {
        await using var bed = await LisTestBed.StartAsync();
        // Ana Rivera's identity, Sam O'Neil's kit.
        await bed.PublishHl7Async(new A1cMessage { PatientId = "PAT-1001^^^DTC^PI", FamilyName = "Rivera", BirthDate = "19850214" }.ToString());
        await bed.HandledAsync(1);

        await using var db = bed.Db();
        Assert.Equal("patient-mismatch", (await db.QuarantinedMessages.SingleAsync()).ReasonCode);
        Assert.Equal(0, await db.LabReports.CountAsync());
    }

    [Theory]
    [InlineData("O’Neil")]
    [InlineData("ONEIL")]
    [InlineData("o'neil")]
    [InlineData("Ó Neil")]
    public async Task FamilyNameMatchesWhateverItsCaseMarksAndPunctuation(string asTheLabWritesIt)
    {
        await using var bed = await LisTestBed.StartAsync();
        await bed.PublishHl7Async(new A1cMessage { FamilyName = asTheLabWritesIt }.ToString());
        await bed.HandledAsync(1);

        Assert.NotNull(await bed.ReportAsync("77300166491"));
        await using var db = bed.Db();
        Assert.Equal(0, await db.QuarantinedMessages.CountAsync());
    }

    [Fact]
    public async Task OneUnmatchedReportQuarantinesTheWholeMessage()
    {
        await using var bed = await LisTestBed.StartAsync();
        // A second OBR group for a kit of no one.
        await bed.PublishHl7Async(new A1cMessage().WithSecondReport(new A1cMessage { Barcode = "12345678903" }));
        await bed.HandledAsync(1);

        await using var db = bed.Db();
        Assert.Equal("unknown-kit", (await db.QuarantinedMessages.SingleAsync()).ReasonCode);
        Assert.Equal(0, await db.LabReports.CountAsync());
    }
}
