using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Dtc.Consumers.Lis;
using Dtc.Data.Results;
using Dtc.Tests.Infrastructure;

namespace Dtc.Tests.LisIngestion;

/// <summary>The figures SREs watch: latency from the lab's message time to stored, and the quarantine's size.</summary>
public sealed class LisMetricsTests
{
    [Fact]
    public async Task StoredResultRecordsItsLatencyFromTheLabsClock()
    {
        await using var bed = await LisTestBed.StartAsync();
        var latencies = new ConcurrentBag<double>();
        using var listener = Listen(bed, (name, value) => { if (name == "dtc.lis.latency") latencies.Add(value); });

        await bed.PublishHl7Async(new A1cMessage { IssuedAt = DateTimeOffset.UtcNow.AddSeconds(-30) }.ToString());

        await Eventually.Until(() => Task.FromResult(latencies.Count), n => n == 1, "one latency measurement");
        // MSH-7 was 30 s before the publish: the figure runs from the lab's clock, not from the broker's.
        Assert.InRange(latencies.Single(), 29, 120);
    }

    [Fact]
    public async Task QuarantineGaugeCountsTheUnresolvedMessages()
    {
        await using var bed = await LisTestBed.StartAsync(settings: new Dictionary<string, string?> { ["Lis:QuarantineGaugeInterval"] = "00:00:00.200" });
        double gauge = -1;
        using var listener = Listen(bed, (name, value) => { if (name == "dtc.lis.quarantine.size") Interlocked.Exchange(ref gauge, value); });
        await using (var db = bed.Db())
        {
            db.QuarantinedMessages.AddRange(Enumerable.Range(0, 3).Select(i => new QuarantinedMessage
            {
                Id = Guid.NewGuid(), MessageId = Guid.NewGuid(), ContentType = "x-application/hl7-v2+er7", Raw = "MSH|",
                ReasonCode = "unknown-kit", Reason = "test", ReceivedAt = DateTimeOffset.UtcNow, ResolvedAt = i == 0 ? DateTimeOffset.UtcNow : null,
            }));
            await db.SaveChangesAsync();
        }
        await bed.PublishHl7Async(new A1cMessage { BirthDate = "20000101" }.ToString());

        await Eventually.Until(() => { listener.RecordObservableInstruments(); return Task.FromResult(Interlocked.CompareExchange(ref gauge, 0, 0)); },
            n => n == 3, "the gauge to count two unresolved rows and the new quarantine");
    }

    /// <summary>The Dtc.Lis instruments of this bed's consumer only.</summary>
    static MeterListener Listen(LisTestBed bed, Action<string, double> measured) =>
        ServiceMeters.Listen(bed.Hosts[0].Services, LisTelemetry.Name, (name, value, _) => measured(name, value));
}
