using Dtc.Messaging;
using Dtc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Dtc.Tests.Messaging;

public sealed class ConsumingTests
{
    [Fact]
    public async Task SameMessageDeliveredTwiceHasOneEffect()
    {
        await using var bus = await BusTest.CreateAsync();
        await using var host = await bus.StartConsumerAsync();
        await using var lis = await ExternalPublisher.ConnectAsync(bus.Broker);
        var id = Guid.NewGuid();
        // The consumer handles up to eight deliveries at once: the marker can commit while the first copy's
        // transaction is still open (and the broker no longer counts either as ready). Wait until all three
        // are settled: each counted handled or duplicate, which happens after its commit.
        var settled = 0L;
        using var listener = ServiceMeters.Listen(host.Services, MessagingTelemetry.Name, (name, value, _) =>
        {
            if (name is "dtc.messaging.consumed" or "dtc.messaging.duplicates") Interlocked.Add(ref settled, (long)value);
        });

        await lis.PublishAsync(new Probe(1), id);
        await lis.PublishAsync(new Probe(1), id);
        await lis.PublishAsync(new Probe(2)); // a marker behind both copies

        await Eventually.Until(() => Task.FromResult(Interlocked.Read(ref settled)), n => n == 3, "both copies and the marker settled");
        Assert.Equal(1, await bus.EffectsAsync(2));
        await Eventually.Until(() => bus.Broker.QueueDepthAsync(Topology.Queues.Customer), d => d == 0, "the queue to drain");
        Assert.Equal(1, await bus.EffectsAsync(1));
        Assert.Equal(2, await bus.Database.ScalarAsync<long>("select count(*) from inbox where consumer = 'customer'"));
    }

    [Fact]
    public async Task ConsumerKilledAfterCommitBeforeAckIsRedeliveredWithOneEffect()
    {
        await using var bus = await BusTest.CreateAsync();
        IConnection? victimConnection = null;
        var firstHost = await bus.StartConsumerAsync(r => r.AfterCommit = async _ =>
        {
            // The process dies between its commit and its ack: its connection drops, the broker requeues.
            var abort = Task.Run(() => victimConnection!.AbortAsync());
            await Task.WhenAny(abort, Task.Delay(TimeSpan.FromSeconds(5)));
        });
        victimConnection = firstHost.Services.GetRequiredService<IConnection>();
        await using var lis = await ExternalPublisher.ConnectAsync(bus.Broker);
        var id = await lis.PublishAsync(new Probe(7));
        await Eventually.Until(() => bus.EffectsAsync(7), c => c == 1, "the first (committed, unacked) attempt");
        await firstHost.DisposeAsync();
        // Back in the queue, unacked (a quorum queue returns it through its log: soon, not at once).
        await Eventually.Until(() => bus.Broker.QueueDepthAsync(Topology.Queues.Customer), d => d == 1, "the unacked message back in the queue");

        var redelivered = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var secondHost = await bus.StartConsumerAsync(r => r.AfterCommit = context =>
        {
            redelivered.TrySetResult(context.MessageId);
            return Task.CompletedTask;
        });

        Assert.Equal(id, await redelivered.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        await Eventually.Until(() => bus.Broker.QueueDepthAsync(Topology.Queues.Customer), d => d == 0, "the redelivery to be acked");
        Assert.Equal(1, await bus.EffectsAsync(7));
    }

    [Fact]
    public async Task TransientFailureIsRetriedAfterADelayThenHandled()
    {
        await using var bus = await BusTest.CreateAsync();
        await using var host = await bus.StartConsumerAsync();
        await using var lis = await ExternalPublisher.ConnectAsync(bus.Broker);
        var n = Random.Shared.Next(1_000_000, int.MaxValue);
        ProbeHandler.TransientFailures[n] = 2;

        await lis.PublishAsync(new Probe(n));

        await Eventually.Until(() => bus.EffectsAsync(n), c => c == 1, "the probe to succeed on its third attempt");
        Assert.Equal(2, await bus.Database.ScalarAsync<int>($"select retry from probe_effects where n = {n}"));
        Assert.Equal(0, await bus.Broker.QueueDepthAsync(Topology.ParkingQueue(Topology.Queues.Customer)));
    }

    [Fact]
    public async Task FailurePastTheRetryLimitIsParked()
    {
        await using var bus = await BusTest.CreateAsync();
        await using var host = await bus.StartConsumerAsync();
        await using var lis = await ExternalPublisher.ConnectAsync(bus.Broker);
        var n = Random.Shared.Next(1_000_000, int.MaxValue);
        ProbeHandler.TransientFailures[n] = 100;

        await lis.PublishAsync(new Probe(n));

        var parked = await Parking.WaitForAsync(bus.Broker, 1);
        Assert.Equal("retries-exhausted", parked[0].ReasonCode);
        Assert.Contains("Simulated transient failure", parked[0].Reason);
        Assert.Equal(0, await bus.EffectsAsync(n));
    }
}
