using System.Diagnostics;
using System.Text.Json;
using Dtc.Messaging;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Dtc.Bench;

/// <summary>
/// Ingestion throughput: N ORU^R01 messages published as the LIS would (confirms, 256 in flight) while
/// the consumer-lis-testresult replicas run, timed from the first publish to the N-th committed
/// result. The baseline does the same with consumers that only insert one row per message. Both are
/// warmed up untimed first (a consumer in production is long warm: JIT tiering, EF's first-use caches):
/// the baseline with --warmup messages of its own, the LIS consumers by bench/run.sh, with ingest runs on
/// other kits (--offset) and idle pauses between them.
/// </summary>
public static class IngestBench
{
    public static async Task<int> IngestAsync(BenchOptions options)
    {
        var count = options.Int("count", 10_000);
        var patients = await Seeder.LoadAsync(options.Get("seed", "bench/results/seed.json"));
        var offset = options.Int("offset", 0);
        var work = Enumerable.Range(offset, count)
            .Select(i => (Patient: patients[i % patients.Count], Kit: patients[i % patients.Count].FreshKits[i / patients.Count]))
            .ToList();
        await using var dataSource = NpgsqlDataSource.Create(BenchOptions.Database);
        // Counted by primary key from a UUIDv7 floor taken before the publish (versions are UUIDv7): the poll reads
        // only the rows of its own run, so the bench's polling stays a small part of the database's work.
        var issued = DateTimeOffset.UtcNow;
        var floor = Floor(issued);
        var clock = Stopwatch.StartNew();
        await PublishAsync(work.Select(w => Hl7Builder.Final(w.Patient, w.Kit, issued, "ING")), "lis.result", "x-application/hl7-v2+er7", Topology.Events);
        var published = clock.Elapsed;
        await WaitForAsync(dataSource, StoredSince(floor), count, TimeSpan.FromMinutes(5));
        Report("ingest", count, published, clock.Elapsed);
        return 0;
    }

    public static async Task<int> BaselineAsync(BenchOptions options)
    {
        var count = options.Int("count", 10_000);
        var consumers = options.Int("consumers", 2);
        const string queue = "bench.baseline";
        await using var dataSource = NpgsqlDataSource.Create(BenchOptions.Database);
        await using (var setup = dataSource.CreateCommand("create table if not exists bench_baseline (id uuid primary key, body bytea not null); truncate bench_baseline"))
        {
            await setup.ExecuteNonQueryAsync();
        }
        var factory = new ConnectionFactory { Uri = new Uri(BenchOptions.Broker) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync(queue, true, false, false, new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
            await channel.QueuePurgeAsync(queue);
        }
        // Consumers as separate connections, like two replicas: consume, insert one row in its own transaction, ack.
        var running = new List<IConnection>();
        for (var c = 0; c < consumers; c++)
        {
            var connection = await factory.CreateConnectionAsync();
            var channel = await connection.CreateChannelAsync(new CreateChannelOptions(false, false, consumerDispatchConcurrency: 8));
            await channel.BasicQosAsync(0, 100, false);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                await using (var tx = await dataSource.OpenConnectionAsync())
                await using (var transaction = await tx.BeginTransactionAsync())
                {
                    await using var insert = new NpgsqlCommand("insert into bench_baseline (id, body) values ($1, $2) on conflict do nothing", tx, transaction);
                    insert.Parameters.Add(new NpgsqlParameter { Value = Guid.Parse(delivery.BasicProperties.MessageId!) });
                    insert.Parameters.Add(new NpgsqlParameter { Value = delivery.Body.ToArray() });
                    await insert.ExecuteNonQueryAsync();
                    await transaction.CommitAsync();
                }
                await channel.BasicAckAsync(delivery.DeliveryTag, false);
            };
            await channel.BasicConsumeAsync(queue, false, consumer);
            running.Add(connection);
        }
        var body = new byte[600];
        var warmup = options.Int("warmup", 1_000);
        await PublishAsync(Enumerable.Repeat(body, warmup), queue, "application/octet-stream", "");
        await WaitForAsync(dataSource, "select count(*) from bench_baseline", warmup, TimeSpan.FromMinutes(5));
        var clock = Stopwatch.StartNew();
        await PublishAsync(Enumerable.Repeat(body, count), queue, "application/octet-stream", "");
        var published = clock.Elapsed;
        await WaitForAsync(dataSource, "select count(*) from bench_baseline", warmup + count, TimeSpan.FromMinutes(5));
        Report("ingest-baseline", count, published, clock.Elapsed);
        foreach (var connection in running) await connection.DisposeAsync();
        return 0;
    }

    internal static async Task PublishAsync(IEnumerable<byte[]> bodies, string routingKey, string contentType, string exchange)
    {
        var factory = new ConnectionFactory { Uri = new Uri(BenchOptions.Broker) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true,
            outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(256)));
        var pending = new List<ValueTask>(256);
        foreach (var body in bodies)
        {
            var properties = new BasicProperties
            {
                MessageId = Guid.NewGuid().ToString(), Type = routingKey, ContentType = contentType, DeliveryMode = DeliveryModes.Persistent,
                Headers = new Dictionary<string, object?>(),
            };
            pending.Add(channel.BasicPublishAsync(exchange, routingKey, true, properties, body));
            if (pending.Count == 256)
            {
                foreach (var p in pending) await p;
                pending.Clear();
            }
        }
        foreach (var p in pending) await p;
    }

    static string StoredSince(Guid floor) => $"select count(*) from report_versions where id >= '{floor}'";

    /// <summary>The smallest UUIDv7 of a millisecond.</summary>
    static Guid Floor(DateTimeOffset at) => Guid.Parse($"{at.ToUnixTimeMilliseconds():x12}".Insert(8, "-") + "-7000-8000-000000000000");

    internal static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    static async Task WaitForAsync(NpgsqlDataSource dataSource, string sql, long target, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (await CountAsync(dataSource, sql) < target)
        {
            if (deadline.Elapsed > timeout) throw new TimeoutException($"{sql} did not reach {target} in {timeout}");
            await Task.Delay(100);
        }
    }

    static void Report(string name, int count, TimeSpan published, TimeSpan done) =>
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            bench = name, messages = count, publish_seconds = Math.Round(published.TotalSeconds, 2),
            total_seconds = Math.Round(done.TotalSeconds, 2), per_second = Math.Round(count / done.TotalSeconds),
        }));
}
