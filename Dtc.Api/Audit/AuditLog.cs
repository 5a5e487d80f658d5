using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Dtc.Data;
using Dtc.Data.Audit;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Dtc.Api.Audit;

/// <summary>
/// Writes the audit events of reads, group-committed: the events of the requests that arrive while one
/// write is in flight go together in the next, as one insert and one commit. <see cref="WriteAsync"/>
/// completes only when its event is committed (synchronous commit: on disk), so a read's data still
/// never leaves before its event is durable; if a write fails, its events are written one at a time, and only
/// an event the database refuses fails its own request.
/// Measured on two cores (docs/PERFORMANCE.md, 2026-12-01 15:00): with 64 reads at a time each waiting on a
/// commit of its own, the results list ran at 61-77% of the raw baseline; group-committed, at 77-84%.
/// Changes are not written here: their events commit in the same transaction as the change.
/// The insert runs outside the requests' traces (one write serves many requests); its event carries each
/// request's trace id.
/// </summary>
public sealed class AuditLog : IAsyncDisposable
{
    /// <summary>At most this many events per insert (a burst larger than this goes in several).</summary>
    public const int MaxBatch = 256;

    const string Insert = """
        insert into audit_events (occurred_at, actor_id, action, customer_id, resource_type, resource_id, client_address, trace_id)
        select * from unnest(@at, @actor, @action, @customer, @type, @resource, @address, @trace)
        """;

    // Not SingleReader: that channel cannot count what it holds (Queued).
    readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>();
    readonly IServiceScopeFactory scopes;
    readonly ILogger<AuditLog> logger;
    readonly Task writer;
    readonly Counter<long> events;
    readonly Histogram<int> batchSize;

    /// <summary>The meter SREs watch the log by: events written and failed, events per write, events queued.</summary>
    public const string MeterName = "Dtc.Audit";

    public AuditLog(IServiceScopeFactory scopes, IMeterFactory meters, ILogger<AuditLog> logger)
    {
        this.scopes = scopes;
        this.logger = logger;
        var meter = meters.Create(MeterName);
        events = meter.CreateCounter<long>("dtc.audit.events", description: "Audit events of reads, by outcome (written, failed).");
        batchSize = meter.CreateHistogram<int>("dtc.audit.batch.size", description: "Audit events committed by one write.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        meter.CreateObservableGauge("dtc.audit.queued", () => Queued, description: "Audit events waiting for the next write.");
        // The log is created by the first request that reads PHI, and its writer then serves every request: it
        // starts outside that request's trace and log scope, which would otherwise flow into every write after it.
        using (ExecutionContext.SuppressFlow()) writer = Task.Run(WriteAllAsync);
    }

    /// <summary>Events waiting for the next write (the one in flight not counted).</summary>
    public int Queued => queue.Reader.Count;

    /// <summary>
    /// Queues the event and completes when it is committed. Not cancellable: an event handed over is
    /// written even if the request that asked for it goes away.
    /// </summary>
    public Task WriteAsync(AuditEvent audit)
    {
        var pending = new Pending(audit);
        if (!queue.Writer.TryWrite(pending)) throw new InvalidOperationException("The audit log is shut down; the event was not written.");
        return pending.Committed.Task;
    }

    async Task WriteAllAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending)) batch.Add(pending);
            await CommitAsync(batch);
            batch.Clear();
        }
    }

    /// <summary>
    /// Commits the batch; if that fails, each event alone, so that one event the database refuses fails only
    /// its own request, not the others that happened to share its write.
    /// </summary>
    async Task CommitAsync(IReadOnlyList<Pending> batch)
    {
        try
        {
            await InsertAsync(batch);
            Written(batch);
        }
        catch (Exception error) when (batch.Count > 1)
        {
            logger.LogWarning(error, "Writing {Count} audit events together failed; writing them one by one", batch.Count);
            foreach (var pending in batch) await CommitAsync([pending]);
        }
        catch (Exception error)
        {
            Fail(batch[0], error);
        }
    }

    void Written(IReadOnlyList<Pending> batch)
    {
        batchSize.Record(batch.Count);
        events.Add(batch.Count, new KeyValuePair<string, object?>("outcome", "written"));
        foreach (var pending in batch) pending.Committed.TrySetResult();
    }

    void Fail(Pending pending, Exception error)
    {
        events.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
        logger.LogError(error, "Writing the audit event of {Action} on {ResourceType} failed; its request fails without its data",
            pending.Event.Action, pending.Event.ResourceType);
        pending.Committed.TrySetException(error);
    }

    async Task InsertAsync(IReadOnlyList<Pending> batch)
    {
        var n = batch.Count;
        var at = new DateTimeOffset[n];
        var actor = new Guid?[n];
        var action = new string[n];
        var customer = new Guid?[n];
        var type = new string[n];
        var resource = new string?[n];
        var address = new string?[n];
        var trace = new string?[n];
        for (var i = 0; i < n; i++)
        {
            var e = batch[i].Event;
            (at[i], actor[i], action[i], customer[i], type[i], resource[i], address[i], trace[i]) =
                (e.OccurredAt, e.ActorId, e.Action, e.CustomerId, e.ResourceType, e.ResourceId, e.ClientAddress, e.TraceId);
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DtcDbContext>();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = new NpgsqlCommand(Insert, connection);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("at", at));
            command.Parameters.Add(new NpgsqlParameter("actor", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = actor });
            command.Parameters.Add(new NpgsqlParameter<string[]>("action", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { TypedValue = action });
            command.Parameters.Add(new NpgsqlParameter("customer", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = customer });
            command.Parameters.Add(new NpgsqlParameter<string[]>("type", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { TypedValue = type });
            command.Parameters.Add(new NpgsqlParameter("resource", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = resource });
            command.Parameters.Add(new NpgsqlParameter("address", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = address });
            command.Parameters.Add(new NpgsqlParameter("trace", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = trace });
            await command.ExecuteNonQueryAsync();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Writes what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writer;
    }

    sealed record Pending(AuditEvent Event)
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
