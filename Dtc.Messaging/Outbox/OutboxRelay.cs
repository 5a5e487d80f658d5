using Dtc.Data;
using Dtc.Messaging.Publishing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dtc.Messaging.Outbox;

/// <summary>
/// Publishes outbox rows. Every replica runs one: rows are claimed with row locks (SKIP LOCKED) held in a
/// transaction until they are published and marked, so two relays never publish the same row, and a row
/// whose relay died is free again as soon as its connection is gone.
/// </summary>
public sealed class OutboxRelay(
    IServiceScopeFactory scopes, ConfirmingPublisher publisher, OutboxSignal signal,
    MessagingTelemetry telemetry, IOptions<MessagingOptions> options, ILogger<OutboxRelay> logger, TimeProvider clock) : BackgroundService
{
    int BatchSize => options.Value.OutboxBatchSize;
    static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);
    // Kept on the row once published: which relay (host, process, instance) sent it.
    readonly string _relayId = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var lastGauge = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var published = await RelayOnceAsync(stoppingToken);
                failures = 0;
                if (clock.GetUtcNow() - lastGauge > TimeSpan.FromSeconds(5))
                {
                    await ReadBacklogAsync(stoppingToken);
                    lastGauge = clock.GetUtcNow();
                }
                if (published < BatchSize) await signal.WaitAsync(IdlePoll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
            catch (Exception ex)
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(failures, 7))));
                logger.LogWarning(ex, "Outbox relay failed ({Failures} in a row); next try in {Delay}", failures, delay);
                await Task.Delay(delay, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Claims, publishes and settles one batch; returns how many rows were claimed.</summary>
    public async Task<int> RelayOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DtcDbContext>();
        // The claim is the transaction's row locks, held while the rows are published: other relays skip them,
        // and if this relay dies its connection goes, the transaction aborts and the rows are free at once. No
        // lease is written (that was one more row version per message, and a 30 s wait after a crash).
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var tx = (NpgsqlTransaction)transaction.GetDbTransaction();
        var claimed = await ClaimAsync(connection, tx, ct);
        if (claimed.Count == 0)
        {
            await transaction.CommitAsync(ct);
            return 0;
        }

        var results = await publisher.PublishAsync(claimed.Select(r => r.Message).ToList(), ct);
        await using var settle = new NpgsqlBatch(connection, tx);
        var done = new List<long>(claimed.Count);
        for (var i = 0; i < claimed.Count; i++)
        {
            if (results[i] is null)
            {
                done.Add(claimed[i].Seq);
                continue;
            }
            var attempts = claimed[i].Attempts + 1;
            var backoff = TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, attempts)));
            logger.LogWarning(results[i], "Publishing outbox message {MessageId} ({Type}) failed, attempt {Attempts}; retry in {Backoff}",
                claimed[i].Message.MessageId, claimed[i].Message.Type, attempts, backoff);
            // The back-off is a lease no relay takes before it runs out.
            settle.BatchCommands.Add(new NpgsqlBatchCommand(
                "update outbox set attempts = $2, last_error = $3, locked_until = $4, locked_by = null where seq = $1")
            {
                Parameters = { new() { Value = claimed[i].Seq }, new() { Value = attempts }, new() { Value = results[i]!.Message }, new() { Value = clock.GetUtcNow() + backoff } },
            });
        }
        if (done.Count > 0)
        {
            // Kept on the row: when, and by which relay.
            settle.BatchCommands.Add(new NpgsqlBatchCommand("update outbox set published_at = $1, locked_by = $2 where seq = any($3)")
            {
                Parameters = { new() { Value = clock.GetUtcNow() }, new() { Value = _relayId }, new() { Value = done.ToArray() } },
            });
        }
        await settle.PrepareAsync(ct);
        await settle.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        return claimed.Count;
    }

    sealed record Backlog(long Count, DateTimeOffset? Oldest);

    sealed record Claimed(long Seq, int Attempts, OutgoingMessage Message);

    async Task<List<Claimed>> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        // locked_until: a row in its back-off after a failed publish, or leased by a relay of an earlier version.
        await using var command = new NpgsqlCommand("""
            select seq, attempts, message_id, type, exchange, routing_key, content_type, body, headers
            from outbox
            where published_at is null and (locked_until is null or locked_until < $1)
            order by seq limit $2
            for no key update skip locked
            """, connection, transaction);
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        command.Parameters.Add(new() { Value = BatchSize });
        await command.PrepareAsync(ct);
        var rows = new List<Claimed>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new Claimed(reader.GetInt64(0), reader.GetInt32(1), new OutgoingMessage(
                reader.GetGuid(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6),
                reader.GetFieldValue<byte[]>(7), ConfirmingPublisher.ParseHeaders(reader.GetString(8)))));
        }
        return rows;
    }

    async Task ReadBacklogAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DtcDbContext>();
        var backlog = await db.Database.SqlQuery<Backlog>(
            $"select count(*) as count, min(created_at) as oldest from outbox where published_at is null").SingleAsync(ct);
        Volatile.Write(ref telemetry.OutboxBacklog, backlog.Count);
        Volatile.Write(ref telemetry.OutboxOldestAgeSeconds, backlog.Oldest is { } oldest ? (clock.GetUtcNow() - oldest).TotalSeconds : 0);
    }
}
