using Dtc.Data;
using Dtc.Messaging.Publishing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dtc.Messaging.Outbox;

/// <summary>
/// Publishes outbox rows. Every replica runs one: rows are claimed with FOR UPDATE SKIP LOCKED and a
/// lease, so two relays never publish the same row, and a row whose relay died is claimed again once
/// its lease runs out.
/// </summary>
public sealed class OutboxRelay(
    IServiceScopeFactory scopes, ConfirmingPublisher publisher, OutboxSignal signal,
    MessagingTelemetry telemetry, IOptions<MessagingOptions> options, ILogger<OutboxRelay> logger, TimeProvider clock) : BackgroundService
{
    int BatchSize => options.Value.OutboxBatchSize;
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
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
        var claimed = await ClaimAsync(db, ct);
        if (claimed.Count == 0) return 0;

        var results = await publisher.PublishAsync(claimed.Select(r => r.Message).ToList(), ct);
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
            await db.Database.ExecuteSqlAsync($"""
                update outbox set attempts = {attempts}, last_error = {results[i]!.Message},
                    locked_until = {clock.GetUtcNow() + backoff}, locked_by = null
                where seq = {claimed[i].Seq}
                """, ct);
        }
        if (done.Count > 0)
        {
            var ids = done.ToArray();
            await db.Database.ExecuteSqlAsync($"update outbox set published_at = {clock.GetUtcNow()} where seq = any({ids})", ct);
        }
        return claimed.Count;
    }

    sealed record Backlog(long Count, DateTimeOffset? Oldest);

    sealed record Claimed(long Seq, int Attempts, OutgoingMessage Message);

    async Task<List<Claimed>> ClaimAsync(DtcDbContext db, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand("""
                update outbox o set locked_until = $1, locked_by = $2
                from (select seq from outbox
                      where published_at is null and (locked_until is null or locked_until < $3)
                      order by seq limit $4
                      for update skip locked) c
                where o.seq = c.seq
                returning o.seq, o.attempts, o.message_id, o.type, o.exchange, o.routing_key, o.content_type, o.body, o.headers
                """, connection);
            var now = clock.GetUtcNow();
            command.Parameters.Add(new() { Value = now + Lease });
            command.Parameters.Add(new() { Value = _relayId });
            command.Parameters.Add(new() { Value = now });
            command.Parameters.Add(new() { Value = BatchSize });
            var rows = new List<Claimed>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new Claimed(reader.GetInt64(0), reader.GetInt32(1), new OutgoingMessage(
                    reader.GetGuid(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6),
                    reader.GetFieldValue<byte[]>(7), ConfirmingPublisher.ParseHeaders(reader.GetString(8)))));
            }
            rows.Sort((a, b) => a.Seq.CompareTo(b.Seq));
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
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
