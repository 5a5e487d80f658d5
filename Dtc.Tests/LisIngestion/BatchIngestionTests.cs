using Dtc.Consumers;
using Dtc.Data.Kits;
using Dtc.Messaging;
using Dtc.Messaging.Contracts;
using Dtc.Tests.Consumers;
using Dtc.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.LisIngestion;

/// <summary>
/// consumer-lis-testresult handles a backlog in batches (one transaction for several messages): each
/// message still gets its own result, its own announcements and its own count in the metrics, and a
/// message that cannot be read is parked and counted once.
/// </summary>
public sealed class BatchIngestionTests
{
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
        // Fewer transactions than messages: the inbox rows of a batch share its one insert's timestamp.
        var transactions = await db.Inbox.Where(i => i.Consumer == Topology.Queues.LisTestResult).Select(i => i.ProcessedAt).Distinct().CountAsync();
        Assert.InRange(transactions, 1, 20);
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
}
