using Dtc.Data;
using Dtc.Data.Messaging;
using Dtc.Messaging.Consuming;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Dtc.Messaging.Outbox;

/// <summary>
/// Writes the outbox rows a DbContext holds (<see cref="OutboxExtensions.Publish{T}"/>) in one prepared
/// statement, inside the caller's transaction, and lets go of them. A consumer's batch can leave a hundred
/// outbox rows; through SaveChanges each costs EF's per-entity bookkeeping and the server a fresh parse and
/// plan of a statement whose text changes with the row count.
/// </summary>
public static class OutboxWriter
{
    const string Insert = """
        insert into outbox (message_id, type, exchange, routing_key, content_type, body, headers, created_at, attempts)
        select m, t, e, r, c, b, h, a, 0
        from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bytea[], $7::jsonb[], $8::timestamptz[])
            with ordinality as u(m, t, e, r, c, b, h, a, n)
        order by n
        """;

    /// <summary>
    /// Returns how many rows it wrote. Needs an open transaction: the rows must commit with the state change.
    /// <paramref name="deferred"/>: statements the transaction's handlers left to its next round trip, sent
    /// ahead of the outbox rows (or alone, when there are none).
    /// </summary>
    public static async Task<int> FlushAsync(DtcDbContext db, CancellationToken ct, DeferredStatements? deferred = null)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction() as NpgsqlTransaction
            ?? throw new InvalidOperationException("Outbox rows are written inside the transaction of the change they announce.");
        var entries = db.ChangeTracker.Entries<OutboxMessage>().Where(e => e.State == EntityState.Added).ToList();
        if (entries.Count == 0 && deferred is not { Count: > 0 }) return 0;
        await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection(), transaction);
        deferred?.MoveTo(batch);
        var rows = entries.ConvertAll(e => e.Entity);
        if (rows.Count > 0)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Insert)
            {
                Parameters =
                {
                    new() { Value = rows.ConvertAll(r => r.MessageId).ToArray() },
                    new() { Value = rows.ConvertAll(r => r.Type).ToArray() },
                    new() { Value = rows.ConvertAll(r => r.Exchange).ToArray() },
                    new() { Value = rows.ConvertAll(r => r.RoutingKey).ToArray() },
                    new() { Value = rows.ConvertAll(r => r.ContentType).ToArray() },
                    new() { Value = rows.ConvertAll(r => r.Body).ToArray() },
                    new() { Value = rows.ConvertAll(r => r.Headers).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb },
                    new() { Value = rows.ConvertAll(r => r.CreatedAt.ToUniversalTime()).ToArray() },
                },
            });
        }
        await batch.PrepareAsync(ct); // one text whatever the row count: prepared once per connection
        await batch.ExecuteNonQueryAsync(ct);
        if (rows.Count == 0) return 0;
        foreach (var entry in entries) entry.State = EntityState.Detached;
        OutboxSignalInterceptor.Wrote(db);
        return rows.Count;
    }
}
