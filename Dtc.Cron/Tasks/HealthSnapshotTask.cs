using System.Text.Json;
using Dtc.Cron.Running;
using Dtc.Data;
using Dtc.Data.Operations;
using Dtc.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Dtc.Cron.Tasks;

/// <summary>
/// Records the state of the system once a minute: the database, the broker (messages and consumers of
/// every work, retry and parking queue, read with passive declares), the outbox backlog and the
/// worker's backlog; a row in health_snapshots and the Dtc.Cron gauges.
/// </summary>
public sealed class HealthSnapshotTask(DtcDbContext db, IServiceProvider services, CronTelemetry telemetry,
    IOptions<CronOptions> options, IOptions<MessagingOptions> messaging, TimeProvider clock) : ICronTask
{
    public static string Name => "health-snapshot";

    public async Task<CronCounts> RunAsync(DateTimeOffset slot, CancellationToken ct)
    {
        var databaseUp = await DatabaseUpAsync(ct);
        var (brokerUp, queues) = await ReadQueuesAsync(ct);
        var outbox = databaseUp ? await db.Outbox.LongCountAsync(m => m.PublishedAt == null, ct) : -1;
        var worker = queues.Where(q => q.Key == Topology.Queues.WorkerDefault || q.Key.StartsWith(Topology.Queues.WorkerDefault + ".retry.", StringComparison.Ordinal))
            .Sum(q => q.Value.Messages);
        telemetry.Health(new CronTelemetry.HealthFigures(databaseUp, brokerUp, queues, outbox, worker));

        var now = clock.GetUtcNow();
        db.HealthSnapshots.Add(new HealthSnapshot
        {
            TakenAt = now,
            DatabaseHealthy = databaseUp,
            BrokerHealthy = brokerUp,
            Queues = JsonSerializer.Serialize(queues.ToDictionary(q => q.Key, q => new { messages = q.Value.Messages, consumers = q.Value.Consumers })),
            OutboxBacklog = outbox,
            WorkerBacklog = worker,
        });
        await db.SaveChangesAsync(ct);
        var pruned = await db.HealthSnapshots.Where(s => s.TakenAt < now - options.Value.HealthSnapshotRetention).ExecuteDeleteAsync(ct);
        var runsPruned = await db.CronRuns.Where(r => r.Slot < now - options.Value.CronRunRetention).ExecuteDeleteAsync(ct);
        return new CronCounts
        {
            ["databaseUp"] = databaseUp ? 1 : 0, ["brokerUp"] = brokerUp ? 1 : 0, ["queues"] = queues.Count,
            ["outboxBacklog"] = outbox, ["workerBacklog"] = worker, ["pruned"] = pruned, ["cronRunsPruned"] = runsPruned,
        };
    }

    async Task<bool> DatabaseUpAsync(CancellationToken ct)
    {
        try { return await db.Database.SqlQuery<int>($"select 1 as \"Value\"").SingleAsync(ct) == 1; }
        catch (Exception ex) when (ex is not OperationCanceledException) { return false; }
    }

    /// <summary>Passive declares: they create nothing, and answer ready messages and consumers.</summary>
    async Task<(bool Up, Dictionary<string, (long Messages, long Consumers)> Queues)> ReadQueuesAsync(CancellationToken ct)
    {
        var queues = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        try
        {
            // Resolved here, not injected: with the broker down, creating the connection throws, and
            // that is a finding of the snapshot, not a failure of the task.
            var connection = services.GetRequiredService<IConnection>();
            if (!connection.IsOpen) return (false, queues);
            IChannel? channel = null;
            try
            {
                foreach (var queue in Topology.Routes.Keys.SelectMany(Watched))
                {
                    channel ??= await connection.CreateChannelAsync(cancellationToken: ct);
                    try
                    {
                        var ok = await channel.QueueDeclarePassiveAsync(queue, ct);
                        queues[queue] = (ok.MessageCount, ok.ConsumerCount);
                    }
                    catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
                    {
                        // A missing queue closes the channel: note nothing for it, carry on with a new channel.
                        await channel.DisposeAsync();
                        channel = null;
                    }
                }
            }
            finally { if (channel is not null) await channel.DisposeAsync(); }
            return (queues.Count > 0, queues);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return (false, queues);
        }
    }

    IEnumerable<string> Watched(string queue) =>
        [queue, Topology.ParkingQueue(queue), .. messaging.Value.EffectiveRetryDelays.Select(delay => Topology.RetryQueue(queue, delay))];
}
