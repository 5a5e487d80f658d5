using Dtc.Data;
using Dtc.Data.Messaging;
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

    /// <summary>Returns how many rows it wrote. Needs an open transaction: the rows must commit with the state change.</summary>
    public static async Task<int> FlushAsync(DtcDbContext db, CancellationToken ct)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction() as NpgsqlTransaction
            ?? throw new InvalidOperationException("Outbox rows are written inside the transaction of the change they announce.");
        var entries = db.ChangeTracker.Entries<OutboxMessage>().Where(e => e.State == EntityState.Added).ToList();
        if (entries.Count == 0) return 0;
        var rows = entries.ConvertAll(e => e.Entity);
        await using var command = new NpgsqlCommand(Insert, (NpgsqlConnection)db.Database.GetDbConnection(), transaction)
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
        };
        await command.PrepareAsync(ct); // one text whatever the row count: prepared once per connection
        await command.ExecuteNonQueryAsync(ct);
        foreach (var entry in entries) entry.State = EntityState.Detached;
        OutboxSignalInterceptor.Wrote(db);
        return rows.Count;
    }
}
