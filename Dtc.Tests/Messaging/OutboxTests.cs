using System.Diagnostics;
using System.Text;
using Dtc.Data;
using Dtc.Messaging;
using Dtc.Messaging.Outbox;
using Dtc.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using RabbitMQ.Client;

namespace Dtc.Tests.Messaging;

public sealed class OutboxTests
{
    [Fact]
    public async Task RolledBackTransactionPublishesNothing()
    {
        await using var bus = await BusTest.CreateAsync();
        await using var host = await bus.StartConsumerAsync();
        await using (var db = bus.Database.CreateContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Publish(new Probe(1));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }
        await using (var db = bus.Database.CreateContext())
        {
            db.Publish(new Probe(2)); // committed: the control
            await db.SaveChangesAsync();
        }

        await Eventually.Until(() => bus.EffectsAsync(2), c => c == 1, "the committed message");
        Assert.Equal(0, await bus.EffectsAsync(1));
        Assert.Equal(1, await bus.Database.ScalarAsync<long>("select count(*) from outbox"));
    }

    [Fact]
    public async Task TwoRelaysPublishEveryRowExactlyOnce()
    {
        await using var bus = await BusTest.CreateAsync();
        const int rows = 3000;
        await using (var db = bus.Database.CreateContext())
        {
            for (var n = 0; n < rows; n++) db.Publish(new Probe(n));
            await db.SaveChangesAsync();
        }

        // Two processes' relays over one outbox, in small batches so that they interleave; nobody consumes,
        // so the queue shows exactly what was published.
        var smallBatches = new Dictionary<string, string?> { ["Messaging:OutboxBatchSize"] = "50" };
        await using (var relayA = await ServiceHost.StartAsync(bus.Database, bus.Broker, settings: smallBatches))
        await using (var relayB = await ServiceHost.StartAsync(bus.Database, bus.Broker, settings: smallBatches))
        {
            await Eventually.Until(() => bus.Database.ScalarAsync<long>("select count(*) from outbox where published_at is null"),
                left => left == 0, "the outbox to drain", TimeSpan.FromSeconds(60));
        }

        Assert.Equal(rows, await bus.Broker.QueueDepthAsync(Topology.Queues.Customer));
        var ids = await DrainMessageIdsAsync(bus.Broker);
        Assert.Equal(rows, ids.Count);
        Assert.Equal(rows, ids.Distinct().Count());
        Assert.Equal(2, await bus.Database.ScalarAsync<long>("select count(distinct locked_by) from outbox"));
        // A claim is a transaction's row locks: no lease is written on the way.
        Assert.Equal(0, await bus.Database.ScalarAsync<long>("select count(*) from outbox where locked_until is not null"));
    }

    [Fact]
    public async Task RowLeftBehindByACrashedRelayIsPublishedOnceItsLeaseRunsOut()
    {
        await using var bus = await BusWithOutboxRowAsync(new Probe(5));
        // A relay claimed it and died before publishing: the lease is still held...
        await using (var db = bus.Database.CreateContext())
        {
            await db.Database.ExecuteSqlRawAsync("update outbox set locked_by = 'dead-relay', locked_until = now() + interval '2 seconds'");
        }
        await using var host = await bus.StartConsumerAsync();
        await Task.Delay(500);
        Assert.Equal(0, await bus.EffectsAsync(5));

        // ...and once it runs out, a live relay takes the row over.
        await Eventually.Until(() => bus.EffectsAsync(5), c => c == 1, "the orphaned row to be published");
    }

    [Fact]
    public async Task ARowClaimedByAnotherRelayIsSkippedAndFreeOnceItsConnectionEnds()
    {
        await using var bus = await BusWithOutboxRowAsync(new Probe(7));
        // A relay mid-publish: its transaction holds the row's lock (its claim)...
        var dying = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(bus.Database.ConnectionString) { Pooling = false }.ToString());
        await dying.OpenAsync();
        var transaction = await dying.BeginTransactionAsync();
        await using (var claim = new NpgsqlCommand("select seq from outbox for no key update", dying, transaction))
        {
            Assert.NotNull(await claim.ExecuteScalarAsync());
        }
        await using var host = await bus.StartConsumerAsync();
        await Task.Delay(1500);
        Assert.Equal(0, await bus.EffectsAsync(7));

        // ...and when its process dies the connection goes, and the claim with it: the live relay takes the row.
        await dying.DisposeAsync();
        await Eventually.Until(() => bus.EffectsAsync(7), c => c == 1, "the row to be published by the live relay", TimeSpan.FromSeconds(10));
        Assert.Equal(0, await bus.Database.ScalarAsync<long>("select count(*) from outbox where published_at is null"));
    }

    [Fact]
    public async Task PublisherTraceIsTheParentOfTheConsumerSpan()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            // RabbitMQ.Client's own spans may sit between ours (it injects its publish span into the headers).
            ShouldListenTo = source => source.Name is MessagingTelemetry.Name or "Dtc.Tests" || source.Name.StartsWith("RabbitMQ.Client", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (spans) spans.Add(activity); },
        };
        ActivitySource.AddActivityListener(listener);
        using var testSource = new ActivitySource("Dtc.Tests");
        await using var bus = await BusTest.CreateAsync();
        await using var host = await bus.StartConsumerAsync();

        ActivityTraceId traceId;
        ActivitySpanId requestSpan;
        using (var request = testSource.StartActivity("POST /api/v1/something", ActivityKind.Server)!)
        {
            traceId = request.TraceId;
            requestSpan = request.SpanId;
            await using var db = bus.Database.CreateContext();
            db.Publish(new Probe(9));
            await db.SaveChangesAsync();
        }
        await Eventually.Until(() => bus.EffectsAsync(9), c => c == 1, "the probe to be consumed");

        var trace = await Eventually.Until(() => Task.FromResult(Snapshot(spans, traceId)), s => s.Any(a => a.Kind == ActivityKind.Consumer), "the consumer span");
        var publish = Assert.Single(trace, a => a.Kind == ActivityKind.Producer && a.Source.Name == MessagingTelemetry.Name);
        var process = Assert.Single(trace, a => a.Kind == ActivityKind.Consumer && a.Source.Name == MessagingTelemetry.Name);
        Assert.Equal(requestSpan, publish.ParentSpanId);
        Assert.Equal("customer.test-probe process", process.DisplayName);
        // Walking up from the consumer's span reaches the publisher's span, then the request.
        var ancestors = new List<ActivitySpanId>();
        for (var span = process; span is not null; span = trace.FirstOrDefault(a => a.SpanId == span.ParentSpanId))
        {
            ancestors.Add(span.ParentSpanId);
        }
        Assert.Contains(publish.SpanId, ancestors);
        Assert.Contains(requestSpan, ancestors);
    }

    static List<Activity> Snapshot(List<Activity> spans, ActivityTraceId traceId)
    {
        lock (spans) return spans.Where(a => a.TraceId == traceId).ToList();
    }

    /// <summary>A bus test whose outbox holds one committed, unpublished row.</summary>
    static async Task<BusTest> BusWithOutboxRowAsync(Probe probe)
    {
        var bus = await BusTest.CreateAsync();
        await using var db = bus.Database.CreateContext();
        db.Publish(probe);
        await db.SaveChangesAsync();
        return bus;
    }

    static async Task<List<string>> DrainMessageIdsAsync(TestBroker broker)
    {
        await using var connection = await broker.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var ids = new List<string>();
        while (await channel.BasicGetAsync(Topology.Queues.Customer, autoAck: true) is { } message)
        {
            ids.Add(message.BasicProperties.MessageId ?? Encoding.UTF8.GetString(message.Body.Span));
        }
        return ids;
    }
}
