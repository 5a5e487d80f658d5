using Dtc.Messaging.Outbox;
using Dtc.Tests.Infrastructure;
using Dtc.Tests.Messaging;

namespace Dtc.Tests.Faults;

[Collection(OwnServersCollection.Name)]
public sealed class BrokerRestartTests(OwnBrokerNode node) : IClassFixture<OwnBrokerNode>
{
    [Fact]
    public async Task ThousandMessagesAreEachHandledOnceAcrossABrokerRestart()
    {
        const int total = 1000;
        await using var bus = await BusTest.CreateAsync(await node.CreateVirtualHostAsync());
        await using var host = await bus.StartConsumerAsync();

        // A stream of state changes, each with its outbox row, while the broker goes down and comes back.
        var writer = Task.Run(async () =>
        {
            for (var n = 0; n < total; n += 10)
            {
                await using var db = bus.Database.CreateContext();
                for (var i = n; i < n + 10; i++) db.Publish(new Probe(i));
                await db.SaveChangesAsync();
                await Task.Delay(20);
            }
        });
        await Eventually.Until(() => bus.EffectsAsync(), c => c >= 200, "the stream to be flowing");
        await node.RestartAsync();
        await writer;

        await Eventually.Until(() => bus.DistinctEffectsAsync(), c => c == total, $"all {total} messages to be handled", TimeSpan.FromMinutes(3));
        Assert.Equal(total, await bus.EffectsAsync()); // each exactly once
        Assert.Equal(0, await bus.Database.ScalarAsync<long>("select count(*) from outbox where published_at is null"));
        Assert.Equal(total, await bus.Database.ScalarAsync<long>("select count(distinct n) from probe_effects"));
    }
}

/// <summary>The tests that run servers of their own share their ports: one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class OwnServersCollection
{
    public const string Name = "own-servers";
}
