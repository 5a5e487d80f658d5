using System.Diagnostics;
using System.Threading.Channels;
using Dtc.Data;
using Dtc.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Dtc.Messaging.Consuming;

/// <summary>
/// Batching (<see cref="ConsumerRegistration.BatchSize"/> above 1): a lane takes the deliveries that have
/// already arrived, up to a batch, and handles them in one transaction: one inbox statement, each
/// handler in turn, one SaveChanges, one commit, then an ack per message. The handlers of a batch
/// share the transaction's DbContext, so a batching queue's handlers must not expect a change tracker
/// of their own (the LIS handler writes its rows with its own statements and leaves only outbox rows).
/// Under a light load a batch is one message and nothing waits for a batch to fill. If any message of a batch fails (or the batch loses a deadlock),
/// nothing of the batch is committed and each message is handled again on its own, so a failure, a
/// retry or a parking is the failing message's only.
/// </summary>
public sealed partial class MessageConsumer
{
    sealed record BatchItem(Delivery Delivery, MessageContext Context, MessageDispatch Dispatch)
    {
        public Activity? Activity { get; set; }
        public bool Handled { get; set; }
    }

    async Task RunLaneAsync(ChannelReader<Delivery> arrived, CancellationToken stoppingToken)
    {
        var batch = new List<Delivery>(registration.BatchSize);
        while (await arrived.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < registration.BatchSize && arrived.TryRead(out var delivery)) batch.Add(delivery);
            if (batch.Count == 0) continue;
            try { await HandleBatchAsync(batch, stoppingToken); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Not expected (failures are handled per message); the broker redelivers what was not acked.
                LogLaneFailed(ex, registration.Queue);
                foreach (var delivery in batch) await TryNackAsync(_channel!, delivery.Tag);
            }
            batch.Clear();
        }
    }

    async Task HandleBatchAsync(List<Delivery> batch, CancellationToken stoppingToken)
    {
        if (stoppingToken.IsCancellationRequested)
        {
            foreach (var delivery in batch) await TryNackAsync(_channel!, delivery.Tag);
            return;
        }
        var work = new List<BatchItem>(batch.Count);
        foreach (var delivery in batch)
        {
            // A message that cannot be de-duplicated or has no handler is parked by the one-message path, with its reason.
            if (batch.Count == 1 || !Guid.TryParse(delivery.Properties.MessageId, out _)
                || !registration.Handlers.TryGetValue(delivery.Type, out var dispatch))
            {
                await HandleDeliveryAsync(delivery, stoppingToken);
                continue;
            }
            work.Add(new BatchItem(delivery, BuildContext(delivery, inBatch: true), dispatch));
        }
        if (work.Count == 0) return;

        var started = Stopwatch.GetTimestamp();
        telemetry.BatchSize.Record(work.Count, new KeyValuePair<string, object?>("queue", registration.Queue));
        try
        {
            await HandleInTransactionAsync(work, traceEach: true, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            foreach (var item in work) await TryNackAsync(_channel!, item.Delivery.Tag);
            EndActivities(work, "requeued");
            return;
        }
        catch (Exception ex)
        {
            LogBatchRolledBack(ex, registration.Queue, work.Count);
            telemetry.BatchRollbacks.Add(1, new KeyValuePair<string, object?>("queue", registration.Queue));
            EndActivities(work, "batch-rolled-back");
            foreach (var item in work) await HandleDeliveryAsync(item.Delivery, stoppingToken);
            return;
        }

        foreach (var item in work)
        {
            if (registration.AfterCommit is { } afterCommit) await afterCommit(item.Context);
            await AckAsync(_channel!, item.Delivery);
            var outcome = item.Handled ? "handled" : "duplicate";
            (item.Handled ? telemetry.Consumed : telemetry.Duplicates).Add(1, Tags(item.Delivery.Type));
            telemetry.HandlerDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, Tags(item.Delivery.Type, outcome));
        }
        EndActivities(work, null);
    }

    /// <summary>
    /// The one transaction of a batch, or of a single message (a batch of one): the inbox rows in one
    /// statement, the queue's batch reader (if it has one, for two new messages or more: one round trip for what
    /// all their handlers read), each new message's handler in delivery order, one SaveChanges, the commit.
    /// <paramref name="traceEach"/>: a span per message (a single message has its span already).
    /// </summary>
    async Task HandleInTransactionAsync(List<BatchItem> work, bool traceEach, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DtcDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var fresh = await InsertInboxAsync(db, transaction, work, ct);
        if (work.Count > 1 && registration.ReadBatch is { } read)
        {
            var seen = new HashSet<Guid>(work.Count);
            var messages = work.Where(w => fresh.Contains(w.Context.MessageId) && seen.Add(w.Context.MessageId)).Select(w => w.Context).ToList();
            if (messages.Count > 1) await read(scope.ServiceProvider, messages, ct);
        }
        var ambient = Activity.Current;
        try
        {
            foreach (var item in work)
            {
                // A message id met twice in one batch (or already in the inbox) is a duplicate after its first.
                if (!fresh.Remove(item.Context.MessageId)) continue;
                if (traceEach)
                {
                    item.Activity = StartActivity(item.Delivery);
                    item.Activity?.SetTag("messaging.batch.message_count", work.Count);
                }
                MessageScope.Current = new MessageScope(item.Context.MessageId, item.Context.CorrelationId);
                await item.Dispatch(scope.ServiceProvider, item.Context, ct);
                item.Handled = true;
                Activity.Current = ambient;
            }
        }
        finally
        {
            MessageScope.Current = null;
            Activity.Current = ambient;
        }
        // What the handlers left is saved once, for the whole batch: their deferred statements and the outbox
        // rows in one round trip, the rest of the DbContext (if anything) by SaveChanges.
        await OutboxWriter.FlushAsync(db, ct, scope.ServiceProvider.GetService<DeferredStatements>());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    async Task<HashSet<Guid>> InsertInboxAsync(DtcDbContext db, IDbContextTransaction transaction, List<BatchItem> work, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            insert into inbox (consumer, message_id, type, processed_at)
            select $1, m, t, $4 from unnest($2::uuid[], $3::text[]) as u(m, t)
            on conflict do nothing
            returning message_id
            """, (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction())
        {
            Parameters =
            {
                new() { Value = registration.Queue },
                new() { Value = work.Select(w => w.Context.MessageId).ToArray() },
                new() { Value = work.Select(w => w.Context.Type).ToArray() },
                new() { Value = DateTimeOffset.UtcNow },
            },
        };
        await command.PrepareAsync(ct); // an insert: one plan, prepared once per connection
        var fresh = new HashSet<Guid>(work.Count);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) fresh.Add(reader.GetGuid(0));
        return fresh;
    }

    static void EndActivities(List<BatchItem> work, string? outcome)
    {
        foreach (var item in work)
        {
            if (item.Activity is not { } activity) continue;
            activity.SetTag("dtc.outcome", outcome ?? (item.Handled ? "handled" : "duplicate"));
            if (outcome == "batch-rolled-back") activity.SetStatus(ActivityStatusCode.Error, "The batch was rolled back; the message is handled again on its own.");
            activity.Dispose();
        }
    }

    [LoggerMessage(LogLevel.Warning, "A batch of {Count} messages from {Queue} was rolled back; each is handled on its own")]
    partial void LogBatchRolledBack(Exception error, string queue, int count);

    [LoggerMessage(LogLevel.Error, "A consumer lane of {Queue} failed; its deliveries were given back")]
    partial void LogLaneFailed(Exception error, string queue);
}
