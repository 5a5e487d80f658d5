using Dtc.Data;
using Dtc.Messaging.Consuming;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Dtc.Consumers.Lis;

/// <summary>
/// A report as it stands: its current version, and which of the messages read for (the one being handled, or
/// those of its batch) it already holds a version of.
/// </summary>
public sealed record ReportRow(
    Guid Id, Guid KitId, string Accession, string Status, int CurrentVersion, Guid CurrentVersionId,
    DateTimeOffset IssuedAt, bool Released, string[] Messages)
{
    public bool Holds(string sourceMessageId) => Array.IndexOf(Messages, sourceMessageId) >= 0;
}

/// <summary>
/// The one read of the handler, or of a whole batch (<see cref="LisBatchRead"/>): one round trip, two statements
/// (and the batch's rows of its kits, when it has any).
/// </summary>
internal static class LisRows
{
    // 1. Lock the kits (in id order, so two messages never wait on each other): every version of a kit's
    //    reports is written under this lock, whichever replica handles it.
    // 2. Read their reports, each with those of the messages' ids ($3) it holds a version of. In READ COMMITTED
    //    each statement takes its snapshot when it starts, i.e. after the lock is granted, so it sees what the
    //    previous holder of the lock committed.
    // Both are prepared (planning them cost more than running them). So that the one generic plan a prepared
    // statement settles on stays right however the tables grow, each lookup is by a unique index, and
    // "offset 0" keeps the planner from turning the per-row lookups into joins it would cost by table size.
    const string LockKits = """
        select k.id, k.barcode, k.status, k.customer_id, k.xmin, k.received_at, c.patient_number, c.family_name, c.date_of_birth
        from kits k
        left join lateral (select patient_number, family_name, date_of_birth from customers where id = k.customer_id offset 0) c on true
        where k.barcode = any($1::bpchar[])
        order by k.id
        for update of k
        """;

    const string ReadReports = """
        select r.id, r.kit_id, r.accession, r.status, r.current_version, v.id, r.issued_at, r.released,
               array(select m.source_message_id from report_versions m where m.source_message_id = any($3) and m.report_id = r.id)
        from kits k
        join lateral (select * from lab_reports where kit_id = k.id and accession = any($2) offset 0) r on true
        join lateral (select id from report_versions where report_id = r.id and number = r.current_version offset 0) v on true
        where k.barcode = any($1::bpchar[])
        """;

    public static async Task<(Dictionary<string, KitOwner> Kits, List<ReportRow> Reports)> LockAsync(
        DtcDbContext db, DeferredStatements deferred, ReportBatch held, string[] barcodes, string[] accessions, string[] sourceMessageIds,
        CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var batch = new NpgsqlBatch(connection, (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
        // What the batch's earlier messages left (DeferredStatements) goes first, so that this read sees it, at
        // no round trip of its own. Their result rows only when they include these kits': otherwise they stay
        // held, to go out as one statement per table with the batch's outbox rows.
        deferred.MoveTo(batch, withHeldRows: held.Touches(barcodes));
        // Prepared statements are planned anew on every run as long as PostgreSQL guesses a custom plan cheaper
        // (it did here, costing more than the run itself): this transaction takes the generic plans, which
        // the lookups above are written for. SET LOCAL ends with the transaction.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("set local plan_cache_mode = force_generic_plan"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(LockKits) { Parameters = { new() { Value = barcodes } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(ReadReports)
        {
            Parameters = { new() { Value = barcodes }, new() { Value = accessions }, new() { Value = sourceMessageIds } },
        });
        await batch.PrepareAsync(ct);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var kits = new Dictionary<string, KitOwner>();
        while (await reader.ReadAsync(ct))
        {
            var kit = new KitOwner(reader.GetGuid(0), reader.GetString(1).Trim(), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.GetFieldValue<uint>(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateOnly>(8));
            kits[kit.Barcode] = kit;
        }
        await reader.NextResultAsync(ct);
        var reports = new List<ReportRow>();
        while (await reader.ReadAsync(ct))
        {
            reports.Add(new ReportRow(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                reader.GetGuid(5), reader.GetFieldValue<DateTimeOffset>(6), reader.GetBoolean(7), reader.GetFieldValue<string[]>(8)));
        }
        return (kits, reports);
    }

    /// <summary>Makes room for a late version at <paramref name="number"/>: the versions from there move up by one.</summary>
    public static Task ShiftVersionsAsync(DtcDbContext db, Guid reportId, int number, CancellationToken ct) =>
        // Through negative numbers, so the unique (report, number) index never sees two rows on one number.
        db.Database.ExecuteSqlAsync($"""
            update report_versions set number = -number where report_id = {reportId} and number >= {number};
            update report_versions set number = 1 - number where report_id = {reportId} and number < 0;
            """, ct);
}
