using System.Collections.Concurrent;
using Dtc.Data;
using Dtc.Messaging;
using Dtc.Messaging.Consuming;
using Dtc.Messaging.Outbox;
using Dtc.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace Dtc.Tests.Messaging;

/// <summary>A test message on the customer queue whose effect is one row in probe_effects (no unique key: duplicates would show).</summary>
public sealed record Probe(int N, string? Fail = null, bool Echo = false) : IMessage
{
    public static string MessageType => "customer.test-probe";
}

public sealed class ProbeHandler(DtcDbContext db) : IMessageHandler<Probe>
{
    /// <summary>N → how many more times its handler throws a transient error.</summary>
    public static readonly ConcurrentDictionary<int, int> TransientFailures = new();

    public const int EchoOffset = 1_000_000;

    public async Task HandleAsync(Probe message, MessageContext context, CancellationToken ct)
    {
        if (message.Fail == "poison") throw new PoisonMessageException("invalid-probe", "This probe can never be handled.");
        if (TransientFailures.TryGetValue(message.N, out var left) && left > 0)
        {
            TransientFailures[message.N] = left - 1;
            throw new TimeoutException($"Simulated transient failure of probe {message.N}");
        }
        await db.Database.ExecuteSqlAsync($"insert into probe_effects (message_id, n, retry) values ({context.MessageId}, {message.N}, {context.Retry})", ct);
        // An echo publishes a follow-up probe through the outbox, in the same transaction.
        if (message.Echo) db.Publish(new Probe(message.N + EchoOffset));
    }
}

/// <summary>A database and a virtual host for one bus test, with the probe's effect table.</summary>
public sealed class BusTest : IAsyncDisposable
{
    public static readonly Dictionary<string, string?> FastRetries = new()
    {
        ["Messaging:RetryDelays:0"] = "00:00:00.100",
        ["Messaging:RetryDelays:1"] = "00:00:00.200",
        ["Messaging:RetryDelays:2"] = "00:00:00.300",
    };

    public TestDatabase Database { get; private init; } = null!;
    public TestBroker Broker { get; private init; } = null!;

    public static async Task<BusTest> CreateAsync(TestBroker? broker = null)
    {
        var test = new BusTest { Database = await TestDatabase.CreateAsync(), Broker = broker ?? await TestBroker.CreateAsync() };
        await using var db = test.Database.CreateContext();
        await db.Database.ExecuteSqlRawAsync("create table probe_effects (message_id uuid not null, n int not null, retry int not null)");
        return test;
    }

    /// <summary>A host consuming the customer queue with the probe handler.</summary>
    public Task<ServiceHost> StartConsumerAsync(Action<ConsumerRegistration>? tweak = null, bool runRelay = true) =>
        ServiceHost.StartAsync(Database, Broker, b =>
        {
            var registration = b.AddDtcConsumer(Topology.Queues.Customer).Handle<Probe, ProbeHandler>();
            tweak?.Invoke(registration);
        }, runRelay, FastRetries);

    public Task<long> EffectsAsync(int? n = null) =>
        Database.ScalarAsync<long>(n is null ? "select count(*) from probe_effects" : $"select count(*) from probe_effects where n = {n}");

    public Task<long> DistinctEffectsAsync() => Database.ScalarAsync<long>("select count(distinct message_id) from probe_effects");

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync();
        await Database.DisposeAsync();
    }
}
