using Dtc.Messaging;
using Dtc.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.Messaging;

/// <summary>
/// A batching consumer (BatchSize above 1) handles the deliveries already arrived in one transaction. The
/// queue is filled before the consumer starts, so that its batches are full; each probe's effect row
/// records the transaction it was written in.
/// </summary>
public sealed class BatchingTests
{
    [Fact]
    public async Task ABacklogIsHandledInFewerTransactionsThanMessagesWithOneEffectEach()
    {
        await using var bus = await BatchBusAsync();
        await using var crm = await ExternalPublisher.ConnectAsync(bus.Broker);
        var duplicated = new List<Guid>();
        for (var n = 0; n < 200; n++)
        {
            var id = await crm.PublishAsync(new Probe(n));
            // Every tenth message is sent twice: the copy lands in the same batch or the next one.
            if (n % 10 == 0) duplicated.Add(await crm.PublishAsync(new Probe(n), id));
        }

        await using var host = await bus.StartConsumerAsync(r => (r.BatchSize, r.Concurrency) = (50, 1));

        await Eventually.Until(() => bus.EffectsAsync(), c => c >= 200, "the 200 probes");
        await Eventually.Until(() => bus.Broker.QueueDepthAsync(Topology.Queues.Customer), d => d == 0, "the queue, duplicates included, to drain");
        Assert.Equal(200, await bus.EffectsAsync());
        Assert.Equal(200, await bus.DistinctEffectsAsync());
        Assert.Equal(200, await bus.Database.ScalarAsync<long>("select count(*) from inbox where consumer = 'customer'"));
        var transactions = await bus.Database.ScalarAsync<long>("select count(distinct tx) from probe_effects");
        Assert.InRange(transactions, 1, 20); // 220 deliveries in batches of up to 50; one message per transaction would give 200
    }

    [Fact]
    public async Task AFailingMessageRollsItsBatchBackAndOnlyItIsRetriedOrParked()
    {
        await using var bus = await BatchBusAsync();
        await using var crm = await ExternalPublisher.ConnectAsync(bus.Broker);
        var first = Random.Shared.Next(1_000_000, 100_000_000);
        var transient = first + 10;
        // It fails in its batch (which rolls back), again when handled on its own, then succeeds on its first delayed retry.
        ProbeHandler.TransientFailures[transient] = 2;
        var poison = new List<Guid>();
        for (var n = first; n < first + 60; n++)
        {
            if (n == first + 20 || n == first + 45) poison.Add(await crm.PublishAsync(new Probe(n, Fail: "poison")));
            else await crm.PublishAsync(new Probe(n));
        }

        await using var host = await bus.StartConsumerAsync(r => (r.BatchSize, r.Concurrency) = (50, 1));

        var parked = await Parking.WaitForAsync(bus.Broker, 2);
        Assert.Equal(poison.Select(p => p.ToString()).Order(), parked.Select(p => p.MessageId).Order());
        Assert.All(parked, p => Assert.Equal("invalid-probe", p.ReasonCode));
        await Eventually.Until(() => bus.EffectsAsync(), c => c >= 58, "the 58 good probes");
        await Eventually.Until(() => bus.Broker.QueueDepthAsync(Topology.Queues.Customer), d => d == 0, "the queue to drain");
        // Nothing of a rolled-back batch stayed behind: each good probe has exactly one effect and inbox row.
        Assert.Equal(58, await bus.EffectsAsync());
        Assert.Equal(58, await bus.DistinctEffectsAsync());
        Assert.Equal(58, await bus.Database.ScalarAsync<long>("select count(*) from inbox where consumer = 'customer'"));
        // The transient failure was retried on its own, after a delay; the probes beside it were not.
        Assert.Equal(1, await bus.Database.ScalarAsync<int>($"select retry from probe_effects where n = {transient}"));
        Assert.Equal(0, await bus.Database.ScalarAsync<long>($"select count(*) from probe_effects where retry > 0 and n <> {transient}"));
    }

    [Fact]
    public async Task OutboxRowsOfABatchAreWrittenWithItAndRelayed()
    {
        await using var bus = await BatchBusAsync();
        await using var crm = await ExternalPublisher.ConnectAsync(bus.Broker);
        var sent = new Dictionary<int, Guid>();
        for (var n = 0; n < 120; n++) sent[n] = await crm.PublishAsync(new Probe(n, Echo: true));

        await using var host = await bus.StartConsumerAsync(r => (r.BatchSize, r.Concurrency) = (50, 1));

        // Each probe's follow-up went through the outbox, the relay and the broker, and was handled once.
        await Eventually.Until(() => bus.EffectsAsync(), c => c >= 240, "the 120 probes and their 120 follow-ups");
        await Eventually.Until(() => bus.Broker.QueueDepthAsync(Topology.Queues.Customer), d => d == 0, "the queue to drain");
        Assert.Equal(240, await bus.DistinctEffectsAsync());
        Assert.Equal(120, await bus.Database.ScalarAsync<long>($"select count(distinct n) from probe_effects where n >= {ProbeHandler.EchoOffset}"));
        Assert.InRange(await bus.Database.ScalarAsync<long>($"select count(distinct tx) from probe_effects where n < {ProbeHandler.EchoOffset}"), 1, 12);

        await using var db = bus.Database.CreateContext();
        var rows = await db.Outbox.AsNoTracking().OrderBy(o => o.Seq).ToListAsync();
        Assert.Equal(120, rows.Count);
        Assert.All(rows, r => Assert.NotNull(r.PublishedAt));
        Assert.All(rows, r => Assert.Equal((Probe.MessageType, Probe.MessageType, Topology.Events, Envelope.JsonContentType), (r.Type, r.RoutingKey, r.Exchange, r.ContentType)));
        // Each row is caused by the probe whose handler wrote it, and carries that probe's follow-up.
        var bodies = rows.Select(r => System.Text.Json.JsonSerializer.Deserialize<Probe>(r.Body, System.Text.Json.JsonSerializerOptions.Web)!).ToList();
        var causes = rows.Select(r => System.Text.Json.JsonDocument.Parse(r.Headers).RootElement.GetProperty(Envelope.CausationId).GetString()).ToList();
        for (var i = 0; i < rows.Count; i++) Assert.Equal(sent[bodies[i].N - ProbeHandler.EchoOffset].ToString(), causes[i]);
        // Written in the order of the batch: within one transaction, seq follows the deliveries.
        var order = bodies.Select(b => b.N).ToList();
        Assert.Equal(order.Order().ToList(), order);
    }

    /// <summary>A bus test whose topology exists before any consumer starts, and whose effects record their transaction.</summary>
    static async Task<BusTest> BatchBusAsync()
    {
        var bus = await BusTest.CreateAsync();
        await using (var db = bus.Database.CreateContext())
        {
            await db.Database.ExecuteSqlRawAsync("alter table probe_effects add column tx bigint not null default txid_current()");
        }
        await bus.Broker.DeclareTopologyAsync();
        return bus;
    }
}
