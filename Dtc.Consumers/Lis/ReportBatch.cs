using System.Text.Json;
using Dtc.Data;
using Dtc.Data.Results;
using Dtc.Messaging.Consuming;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Dtc.Consumers.Lis;

/// <summary>
/// The result rows of one message (reports, versions, observations, kits), written as prepared statements
/// in one round trip: their own, or, in a batch, the transaction's next one. Hand-written rather than
/// through EF's change tracker: this is the hot path of ingestion, and EF's per-entity bookkeeping cost
/// more CPU than the database work itself. The outbox rows still go through EF (<c>db.Publish</c>),
/// written by the consumer's OutboxWriter.
/// </summary>
public sealed class ReportBatch
{
    readonly List<NpgsqlBatchCommand> _commands = [];

    public void InsertReport(LabReport r) => Add("""
        insert into lab_reports (id, kit_id, customer_id, accession, panel_code, panel_display, status, current_version,
            issued_at, collected_at, received_at, released, updated_at, lab)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
        """, r.Id, r.KitId, r.CustomerId, r.Accession, r.PanelCode, r.PanelDisplay, r.Status, r.CurrentVersion,
        Utc(r.IssuedAt), Time(r.CollectedAt), Utc(r.ReceivedAt), r.Released, Utc(r.UpdatedAt), Lab(r.Lab));

    /// <summary>A new current version: the report takes its status, times and panel; the lab and collection time only if the version has them.</summary>
    public void UpdateReport(LabReport r) => Add("""
        update lab_reports set panel_code = $2, panel_display = $3, status = $4, current_version = $5, issued_at = $6,
            collected_at = coalesce($7, collected_at), lab = coalesce($8, lab), released = $9, updated_at = $10
        where id = $1
        """, r.Id, r.PanelCode, r.PanelDisplay, r.Status, r.CurrentVersion, Utc(r.IssuedAt), Time(r.CollectedAt), Lab(r.Lab),
        r.Released, Utc(r.UpdatedAt));

    public void CountVersion(Guid reportId, DateTimeOffset now) =>
        Add("update lab_reports set current_version = current_version + 1, updated_at = $2 where id = $1", reportId, Utc(now));

    public void Supersede(Guid versionId, DateTimeOffset at) =>
        Add("update report_versions set superseded_at = $2 where id = $1", versionId, Utc(at));

    public void InsertVersion(ReportVersion v)
    {
        Add("""
            insert into report_versions (id, report_id, number, status, issued_at, received_at, source_message_id, source_format, superseded_at, notes)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """, v.Id, v.ReportId, v.Number, v.Status, Utc(v.IssuedAt), Utc(v.ReceivedAt), v.SourceMessageId, v.SourceFormat,
            Time(v.SupersededAt), Text(v.Notes));
        if (v.Observations.Count == 0) return;
        var o = v.Observations;
        // One statement for any number of observations.
        Add("""
            insert into observations (id, version_id, sequence, code, code_system, display, value_type, numeric_value, text_value, unit,
                reference_range, reference_low, reference_high, flag, status, observed_at, notes)
            select * from unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::numeric[],
                $9::text[], $10::text[], $11::text[], $12::numeric[], $13::numeric[], $14::text[], $15::text[], $16::timestamptz[], $17::text[])
            """,
            o.Select(x => x.Id).ToArray(), o.Select(x => x.VersionId).ToArray(), o.Select(x => x.Sequence).ToArray(),
            o.Select(x => x.Code).ToArray(), o.Select(x => x.CodeSystem).ToArray(), o.Select(x => x.Display).ToArray(),
            o.Select(x => x.ValueType).ToArray(), o.Select(x => x.NumericValue).ToArray(), o.Select(x => x.TextValue).ToArray(),
            o.Select(x => x.Unit).ToArray(), o.Select(x => x.ReferenceRange).ToArray(), o.Select(x => x.ReferenceLow).ToArray(),
            o.Select(x => x.ReferenceHigh).ToArray(), o.Select(x => x.Flag).ToArray(), o.Select(x => x.Status).ToArray(),
            o.Select(x => x.ObservedAt?.ToUniversalTime()).ToArray(), o.Select(x => x.Notes).ToArray());
    }

    /// <summary>The kit row after a version (the handler holds its lock, so no version check is needed).</summary>
    public void UpdateKit(Guid kitId, string status, DateTimeOffset? receivedAt, DateTimeOffset? resultedAt, string? rejectionCode,
        string? rejectionReason, DateTimeOffset now) => Add("""
        update kits set status = $2, received_at = coalesce(received_at, $3), resulted_at = coalesce($4, resulted_at),
            rejection_code = $5, rejection_reason = $6, updated_at = $7
        where id = $1
        """, kitId, status, Time(receivedAt), Time(resultedAt), Text(rejectionCode), Text(rejectionReason), Utc(now));

    /// <summary>
    /// Sends the rows now, or, with <paramref name="deferTo"/> (a message of a batch), leaves them to the
    /// transaction's next round trip: the next message's lock-and-read, or the batch's outbox rows.
    /// </summary>
    public async Task ExecuteAsync(DtcDbContext db, DeferredStatements? deferTo, CancellationToken ct)
    {
        if (_commands.Count == 0) return;
        if (deferTo is not null)
        {
            foreach (var command in _commands) deferTo.Add(command);
            _commands.Clear();
            return;
        }
        await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection(),
            (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
        foreach (var command in _commands) batch.BatchCommands.Add(command);
        // Prepared (once per connection and statement text): inserts and updates by primary key have one plan
        // whatever the table sizes, so the server need not parse and plan them for every message (the reads
        // in LisRows are prepared too, written so that their generic plan stays right). Deferred, they are
        // prepared by the batch that carries them.
        await batch.PrepareAsync(ct);
        await batch.ExecuteNonQueryAsync(ct);
        _commands.Clear();
    }

    void Add(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
        _commands.Add(command);
    }

    // Nulls are sent with their type, so that the server never has to guess one from the context.
    static NpgsqlParameter Time(DateTimeOffset? at) => new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = at is { } t ? t.ToUniversalTime() : DBNull.Value };
    static NpgsqlParameter Text(string? text) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)text ?? DBNull.Value };
    static DateTimeOffset Utc(DateTimeOffset at) => at.ToUniversalTime();

    static NpgsqlParameter Lab(PerformingLab? lab) => new()
    {
        NpgsqlDbType = NpgsqlDbType.Jsonb,
        // The shape EF gives the owned JSON column (property names as in the class).
        Value = lab is null ? DBNull.Value : JsonSerializer.Serialize(new { lab.Name, lab.Address, lab.Director }),
    };
}
