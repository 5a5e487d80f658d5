using System.Text;
using Dtc.Consumers;
using Dtc.Consumers.Lis;
using Dtc.Data.Kits;
using Dtc.Messaging;
using Dtc.Messaging.Contracts;
using Dtc.Tests.Consumers;
using Dtc.Tests.Infrastructure;
using Dtc.Tests.Lis;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.LisIngestion;

/// <summary>
/// consumer-lis-testresult handles a backlog in batches (one transaction for several messages): each
/// message still gets its own result, its own announcements and its own count in the metrics, and a
/// message that cannot be read is parked and counted once.
/// </summary>
public sealed class BatchIngestionTests
{
    /// <summary>
    /// For the tests that read what one batch does with messages of the same kits in queue order. With the
    /// consumer's two lanes (its default) two batches can take such messages at once: they can handle a kit's
    /// versions out of order (an earlier one then counted as stale, not stored), or, before a batch locked all
    /// its kits at once (LisBatchRead), lose a deadlock to each other on the kits' row locks (a rollback, then
    /// each message on its own: nothing lost, but a rollback counted). Seen in a CI run on 2026-12-02: one of each.
    /// </summary>
    static readonly Dictionary<string, string?> OneLane = new() { ["Lis:Concurrency"] = "1" };

    [Fact]
    public async Task ABacklogOfResultsIsStoredInBatchesEachWithItsEventsAndItsCount()
    {
        await using var bed = await LisTestBed.StartAsync(replicas: 0, seedSamples: false);
        await bed.Broker.DeclareTopologyAsync();
        var barcodes = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var payload = $"7731{i:D6}";
            var barcode = payload + KitBarcode.CheckDigit(payload);
            await bed.AddPatientWithKitAsync($"PAT-{3000 + i}", "Sam", "O'Neil", new DateOnly(1970, 9, 1), barcode);
            barcodes.Add(barcode);
        }
        // The queue is full before the consumer starts: its batches are full too. One message is sent twice.
        var twice = Guid.NewGuid();
        for (var i = 0; i < barcodes.Count; i++)
        {
            var text = new A1cMessage { Barcode = barcodes[i], Accession = $"ACC-B{i}", PatientId = $"PAT-{3000 + i}^^^DTC^PI" }.ToString();
            await bed.PublishHl7Async(text, i == 0 ? twice : null);
            if (i == 0) await bed.PublishHl7Async(text, twice);
        }

        await using var host = await ServiceHost.StartAsync(bed.Database, bed.Broker, b => b.AddConsumerRole(ConsumerRole.LisTestResult));
        using var metrics = MetricProbe.Start([host.Services]);

        await bed.HandledAsync(40);
        Assert.Equal(40, await metrics.UntilAsync("dtc.lis.messages", "outcome=stored", 40));
        await using var db = bed.Db();
        Assert.Equal(40, await db.LabReports.CountAsync());
        Assert.Equal(40, await db.Set<Dtc.Data.Results.ReportVersion>().CountAsync());
        Assert.All(await db.Kits.Where(k => barcodes.Contains(k.Barcode)).ToListAsync(), k => Assert.Equal(KitStatus.Resulted, k.Status));
        Assert.Equal(40, (await bed.PublishedAsync<ResultReleased>()).Count);
        Assert.Equal(40, (await bed.PublishedAsync<NotificationSend>()).Select(n => n.DedupeKey).Distinct().Count());
        // Fewer transactions than messages, and each transaction's observations written by one statement, not one
        // per message. (Counted by the rows' transaction ids too: two lanes' batches can share the inbox's timestamp.)
        var transactions = await LisTransactionsAsync(db);
        Assert.InRange(transactions, 1, 20);
        var (statements, writers) = await ObservationStatementsAsync(db);
        Assert.InRange(writers, 1, 20);
        Assert.Equal(writers, statements);
    }

    [Fact]
    public async Task UnreadableMessagesInABacklogAreParkedAndCountedOnce()
    {
        await using var bed = await LisTestBed.StartAsync(replicas: 0, seedSamples: false);
        await bed.Broker.DeclareTopologyAsync();
        for (var i = 0; i < 20; i++)
        {
            var payload = $"7732{i:D6}";
            var barcode = payload + KitBarcode.CheckDigit(payload);
            await bed.AddPatientWithKitAsync($"PAT-{4000 + i}", "Sam", "O'Neil", new DateOnly(1970, 9, 1), barcode);
            var text = new A1cMessage { Barcode = barcode, Accession = $"ACC-P{i}", PatientId = $"PAT-{4000 + i}^^^DTC^PI" }.ToString();
            await bed.PublishHl7Async(text);
            // Two messages the parser refuses, inside the backlog: their batches roll back and are handled one by one.
            if (i is 5 or 12) await bed.PublishHl7Async(text.Replace("|2.5.1|", "|9.9|", StringComparison.Ordinal));
        }

        await using var host = await ServiceHost.StartAsync(bed.Database, bed.Broker, b => b.AddConsumerRole(ConsumerRole.LisTestResult));
        using var metrics = MetricProbe.Start([host.Services]);

        Assert.Equal(2, (await bed.ParkedAsync(2)).Count);
        await bed.HandledAsync(20);
        Assert.Equal(20, await metrics.UntilAsync("dtc.lis.messages", "outcome=stored", 20));
        // Counted when parked, not again for the attempt inside the batch that rolled back.
        Assert.Equal(2, metrics.Sum("dtc.lis.messages", "outcome=parked"));
        await using var db = bed.Db();
        Assert.Equal(20, await db.LabReports.CountAsync());
    }

    [Fact]
    public async Task VersionsOfOneKitInOneBatchSeeEachOtherWithoutARollback()
    {
        // A message's rows go with the next message's read (DeferredStatements): that read must see them. If it
        // did not, the second version of a kit would insert a second report, the batch would roll back on the
        // unique (kit, accession) index and its messages would be handled one by one: counted below.
        await using var bed = await LisTestBed.StartAsync(replicas: 0, seedSamples: false);
        await bed.Broker.DeclareTopologyAsync();
        var barcodes = new List<string>();
        var issued = new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 8; i++)
        {
            var payload = $"7733{i:D6}";
            var barcode = payload + KitBarcode.CheckDigit(payload);
            await bed.AddPatientWithKitAsync($"PAT-{5000 + i}", "Sam", "O'Neil", new DateOnly(1970, 9, 1), barcode);
            barcodes.Add(barcode);
            A1cMessage Version(string status, int hours, string value) => new()
            {
                Barcode = barcode, Accession = $"ACC-V{i}", PatientId = $"PAT-{5000 + i}^^^DTC^PI", Status = status,
                IssuedAt = issued.AddHours(hours), Value = value,
            };
            // Preliminary, final, then a late preliminary (older than the final: into the history) and a correction.
            await bed.PublishHl7Async(Version("P", 0, "5.9").ToString());
            await bed.PublishHl7Async(Version("F", 2, "6.1").ToString());
            await bed.PublishHl7Async(Version("P", 1, "6.0").ToString());
            await bed.PublishHl7Async(Version("C", 3, "6.2").ToString());
        }

        await using var host = await ServiceHost.StartAsync(bed.Database, bed.Broker, b => b.AddConsumerRole(ConsumerRole.LisTestResult), settings: OneLane);
        using var metrics = MetricProbe.Start([host.Services]);

        await bed.HandledAsync(32);
        Assert.Equal(0, metrics.Sum("dtc.messaging.batch.rollbacks", "queue=" + Topology.Queues.LisTestResult));
        foreach (var barcode in barcodes)
        {
            var report = await bed.ReportAsync(barcode);
            Assert.NotNull(report);
            Assert.Equal("corrected", report.Status);
            Assert.Equal(4, report.CurrentVersion);
            Assert.Equal(["preliminary", "preliminary", "final", "corrected"], report.Versions.Select(v => v.Status));
            Assert.Equal([5.9m, 6.0m, 6.1m, 6.2m], report.Versions.Select(v => v.Observations.Single().NumericValue!.Value));
            Assert.Single(report.Versions, v => v.SupersededAt is null);
            Assert.Equal(KitStatus.Resulted, (await bed.KitAsync(barcode)).Status);
        }
        await using var db = bed.Db();
        Assert.Equal(8, await db.LabReports.CountAsync());
        var transactions = await LisTransactionsAsync(db);
        Assert.InRange(transactions, 1, 16);
    }

    [Fact]
    public async Task VersionsOfKitsInterleavedInABatchAndTwoReportsOfOneKitInOneMessageAreStoredAsHandledInTurn()
    {
        // A batch holds its result rows until a message of a kit they touch is read (then they go first, so that
        // the read sees them) or the batch ends. Here the versions of eight kits come round-robin, so the rows of
        // the other kits stay held while a kit's next version flushes them; and messages with two reports of one
        // kit change the kit twice, which the held rows write as one update.
        await using var bed = await LisTestBed.StartAsync(replicas: 0, seedSamples: false);
        await bed.Broker.DeclareTopologyAsync();
        var issued = new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);
        var kits = new List<(string Barcode, string Patient)>();
        for (var i = 0; i < 12; i++)
        {
            var payload = $"7734{i:D6}";
            var barcode = payload + KitBarcode.CheckDigit(payload);
            await bed.AddPatientWithKitAsync($"PAT-{6000 + i}", "Sam", "O'Neil", new DateOnly(1970, 9, 1), barcode);
            kits.Add((barcode, $"PAT-{6000 + i}^^^DTC^PI"));
        }
        A1cMessage Version(int kit, string status, int hours, string value) => new()
        {
            Barcode = kits[kit].Barcode, Accession = $"ACC-I{kit}", PatientId = kits[kit].Patient, Status = status,
            IssuedAt = issued.AddHours(hours), Value = value,
        };
        // Kits 8–11: one message, a preliminary report then a final one of another accession.
        string TwoReports(int kit) =>
            new A1cMessage { Barcode = kits[kit].Barcode, Accession = $"ACC-T{kit}a", PatientId = kits[kit].Patient, Status = "P", Value = "5.8" }
                .WithSecondReport(new A1cMessage { Barcode = kits[kit].Barcode, Accession = $"ACC-T{kit}b", PatientId = kits[kit].Patient, Status = "F", Value = "6.3" });
        (string Status, int Hours, string Value)[] versions = [("P", 0, "5.9"), ("F", 2, "6.1"), ("P", 1, "6.0"), ("C", 3, "6.2")];
        foreach (var (status, hours, value) in versions)
        {
            for (var kit = 0; kit < 8; kit++) await bed.PublishHl7Async(Version(kit, status, hours, value).ToString());
            if (status == "F") for (var kit = 8; kit < 12; kit++) await bed.PublishHl7Async(TwoReports(kit));
        }

        await using var host = await ServiceHost.StartAsync(bed.Database, bed.Broker, b => b.AddConsumerRole(ConsumerRole.LisTestResult), settings: OneLane);
        using var metrics = MetricProbe.Start([host.Services]);

        await bed.HandledAsync(36);
        Assert.Equal(0, metrics.Sum("dtc.messaging.batch.rollbacks", "queue=" + Topology.Queues.LisTestResult));
        for (var kit = 0; kit < 8; kit++)
        {
            var report = await bed.ReportAsync(kits[kit].Barcode);
            Assert.NotNull(report);
            Assert.Equal("corrected", report.Status);
            Assert.Equal(["preliminary", "preliminary", "final", "corrected"], report.Versions.Select(v => v.Status));
            Assert.Equal([5.9m, 6.0m, 6.1m, 6.2m], report.Versions.Select(v => v.Observations.Single().NumericValue!.Value));
            Assert.Single(report.Versions, v => v.SupersededAt is null);
        }
        await using var db = bed.Db();
        for (var kit = 8; kit < 12; kit++)
        {
            var stored = await db.Kits.SingleAsync(k => k.Barcode == kits[kit].Barcode);
            Assert.Equal(KitStatus.Resulted, stored.Status);
            Assert.NotNull(stored.ReceivedAt);
            Assert.NotNull(stored.ResultedAt);
            var reports = await db.LabReports.Where(r => r.KitId == stored.Id).OrderBy(r => r.Accession).ToListAsync();
            Assert.Equal([("preliminary", false), ("final", true)], reports.Select(r => (r.Status, r.Released)));
        }
        Assert.All(await db.Kits.Where(k => kits.Select(x => x.Barcode).Contains(k.Barcode)).ToListAsync(), k => Assert.Equal(KitStatus.Resulted, k.Status));
        Assert.Equal(16, await db.LabReports.CountAsync());
        Assert.InRange(await LisTransactionsAsync(db), 1, 18);
    }

    [Fact]
    public async Task ABatchLocksAndReadsTheKitsOfAllItsMessagesInOneStatement()
    {
        // LisBatchRead: the kits of a batch are locked and read once for all its messages, not once per message.
        await using var bed = await LisTestBed.StartAsync(replicas: 0, seedSamples: false);
        await bed.Broker.DeclareTopologyAsync();
        const int count = 30;
        for (var i = 0; i < count; i++)
        {
            var payload = $"7736{i:D6}";
            var barcode = payload + KitBarcode.CheckDigit(payload);
            await bed.AddPatientWithKitAsync($"PAT-{7000 + i}", "Sam", "O'Neil", new DateOnly(1970, 9, 1), barcode);
            await bed.PublishHl7Async(new A1cMessage { Barcode = barcode, Accession = $"ACC-R{i}", PatientId = $"PAT-{7000 + i}^^^DTC^PI" }.ToString());
        }
        var before = await LockStatementsAsync(bed.Database);

        await using var host = await ServiceHost.StartAsync(bed.Database, bed.Broker, b => b.AddConsumerRole(ConsumerRole.LisTestResult), settings: OneLane);
        using var metrics = MetricProbe.Start([host.Services]);

        await bed.HandledAsync(count);
        Assert.Equal(count, await metrics.UntilAsync("dtc.lis.messages", "outcome=stored", count));
        Assert.Equal(0, metrics.Sum("dtc.messaging.batch.rollbacks", "queue=" + Topology.Queues.LisTestResult));
        await using var db = bed.Db();
        var transactions = await LisTransactionsAsync(db);
        Assert.InRange(transactions, 1, count / 2);
        // One lock statement per transaction (a batch's, or a message's on its own), where it was one per message.
        Assert.Equal(transactions, await LockStatementsAsync(bed.Database) - before);
    }

    [Fact]
    public async Task InABatchReadAMessageAlreadyStoredIsADuplicateAndOneForAnUnknownKitIsQuarantined()
    {
        // What the batch read gives each handler: the versions its message already has (by MSH-10, here resent under
        // a new message id), and no kit for a barcode no kit has.
        await using var bed = await LisTestBed.StartAsync(replicas: 0, seedSamples: false);
        await bed.Broker.DeclareTopologyAsync();
        var messages = new List<A1cMessage>();
        for (var i = 0; i < 10; i++)
        {
            var payload = $"7737{i:D6}";
            var barcode = payload + KitBarcode.CheckDigit(payload);
            await bed.AddPatientWithKitAsync($"PAT-{8000 + i}", "Sam", "O'Neil", new DateOnly(1970, 9, 1), barcode);
            messages.Add(new A1cMessage { Barcode = barcode, Accession = $"ACC-D{i}", PatientId = $"PAT-{8000 + i}^^^DTC^PI" });
        }
        var stored = messages[3];
        await using (var first = await ServiceHost.StartAsync(bed.Database, bed.Broker, b => b.AddConsumerRole(ConsumerRole.LisTestResult), settings: OneLane))
        {
            await bed.PublishHl7Async(stored.ToString());
            await bed.HandledAsync(1);
        }
        var unknown = "7737999999" + KitBarcode.CheckDigit("7737999999");
        foreach (var m in messages) await bed.PublishHl7Async(m.ToString()); // messages[3] again, under a new message id
        await bed.PublishHl7Async((messages[5] with { Barcode = unknown, Accession = "ACC-D-unknown" }).ToString());

        await using var host = await ServiceHost.StartAsync(bed.Database, bed.Broker, b => b.AddConsumerRole(ConsumerRole.LisTestResult), settings: OneLane);
        using var metrics = MetricProbe.Start([host.Services]);

        await bed.HandledAsync(12);
        Assert.Equal(9, await metrics.UntilAsync("dtc.lis.messages", "outcome=stored", 9));
        Assert.Equal(1, await metrics.UntilAsync("dtc.lis.messages", "outcome=duplicate", 1));
        Assert.Equal(1, await metrics.UntilAsync("dtc.lis.messages", "outcome=quarantined", 1));
        Assert.Equal(0, metrics.Sum("dtc.messaging.batch.rollbacks", "queue=" + Topology.Queues.LisTestResult));
        var report = await bed.ReportAsync(stored.Barcode);
        Assert.NotNull(report);
        Assert.Single(report.Versions);
        await using var db = bed.Db();
        Assert.Equal(10, await db.LabReports.CountAsync());
        Assert.Equal(PatientMatch.UnknownKit, (await db.QuarantinedMessages.SingleAsync()).ReasonCode);
        Assert.InRange(await LisTransactionsAsync(db), 2, 7);
    }

    [Fact]
    public async Task AValuePostgreSqlRefusesInABacklogIsParkedWithItsReasonAndTheRestStored()
    {
        // Its rows are sent with another message's read or with the batch's outbox rows, so the error surfaces
        // there: the batch rolls back, and handled on its own the message is parked with its own reason.
        await using var bed = await LisTestBed.StartAsync(replicas: 0, seedSamples: true);
        await bed.Broker.DeclareTopologyAsync();
        // JSON can carry a NUL character (escaped), which no PostgreSQL text column takes.
        var fhir = Encoding.UTF8.GetString(LisTestKit.Bytes("vitamin-d-final.fhir.json"));
        Assert.Contains("\"30-100 ng/mL\"", fhir, StringComparison.Ordinal);
        var refused = fhir.Replace("\"30-100 ng/mL\"", "\"30-100\\u0000 ng/mL\"", StringComparison.Ordinal);
        await bed.PublishSampleAsync("a1c-1-preliminary.hl7");
        await bed.PublishSampleAsync("lipid-final.hl7");
        var poison = await bed.Lis.PublishRawAsync(LisResult.MessageType, refused, LisResult.FhirContentType);
        await bed.PublishSampleAsync("a1c-2-final.hl7");
        await bed.PublishSampleAsync("escapes-and-repeats.hl7");

        await using var host = await ServiceHost.StartAsync(bed.Database, bed.Broker, b => b.AddConsumerRole(ConsumerRole.LisTestResult), settings: OneLane);
        using var metrics = MetricProbe.Start([host.Services]);

        var parked = Assert.Single(await bed.ParkedAsync(1));
        Assert.Equal(poison.ToString(), parked.MessageId);
        Assert.Equal("unstorable-value", parked.ReasonCode);
        await bed.HandledAsync(4);
        Assert.Equal(4, await metrics.UntilAsync("dtc.lis.messages", "outcome=stored", 4));
        Assert.Null(await bed.ReportAsync("66209135848"));
        Assert.Equal(2, (await bed.ReportAsync("77300166491"))!.CurrentVersion);
        Assert.NotNull(await bed.ReportAsync("48219573028"));
        Assert.NotNull(await bed.ReportAsync("91344700256"));
    }

    /// <summary>
    /// The statements that inserted observations, and the transactions they ran in: rows one statement inserts
    /// share its transaction id (xmin) and its command id within the transaction (cmin).
    /// </summary>
    static async Task<(int Statements, int Transactions)> ObservationStatementsAsync(Dtc.Data.DtcDbContext db) =>
        (await db.Database.SqlQuery<int>($"select count(distinct (xmin::text, cmin::text))::int as \"Value\" from observations").SingleAsync(),
         await db.Database.SqlQuery<int>($"select count(distinct xmin::text)::int as \"Value\" from observations").SingleAsync());

    /// <summary>Calls of the LIS consumer's kit lock in the test's database.</summary>
    static async Task<long> LockStatementsAsync(TestDatabase database) =>
        (await database.StatementCallsAsync()).Where(s => s.Key.Contains("for update of k", StringComparison.Ordinal)).Sum(s => s.Value);

    /// <summary>The transactions the LIS consumer committed: the inbox rows of a batch share its one insert's timestamp.</summary>
    static Task<int> LisTransactionsAsync(Dtc.Data.DtcDbContext db) =>
        db.Inbox.Where(i => i.Consumer == Topology.Queues.LisTestResult).Select(i => i.ProcessedAt).Distinct().CountAsync();
}
