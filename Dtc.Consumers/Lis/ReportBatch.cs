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
/// The result rows of a transaction (reports, versions, observations, kits), written as prepared statements:
/// one per table for all the rows, whatever their number. A message handled on its own sends them in one
/// round trip of their own; the messages of a batch add to the same rows (one instance per transaction
/// scope), which go out with the batch's outbox rows, or earlier, with the read of a message whose kit they
/// touch (<see cref="Touches"/>): that read must see them. Hand-written rather than through EF's change
/// tracker: this is the hot path of ingestion, and EF's per-entity bookkeeping cost more CPU than the
/// database work itself; one insert of a batch's rows costs the server about two thirds of one insert per
/// message. The outbox rows still go through EF (<c>db.Publish</c>), written by the consumer's OutboxWriter.
/// </summary>
public sealed class ReportBatch : IDeferredRows
{
    readonly HashSet<string> _barcodes = [];
    readonly List<LabReport> _reports = [];
    readonly List<ReportVersion> _versions = [];
    readonly List<Observation> _observations = [];
    readonly Dictionary<Guid, KitChange> _kits = [];
    /// <summary>Updates of rows that were there before the transaction (a report's later versions): rare, one statement each.</summary>
    readonly List<NpgsqlBatchCommand> _updates = [];

    public bool IsEmpty => _reports.Count == 0 && _versions.Count == 0 && _kits.Count == 0 && _updates.Count == 0;

    /// <summary>Rows of the kit with this barcode follow (its reports, their versions, the kit itself).</summary>
    public void Touch(string barcode) => _barcodes.Add(barcode);

    /// <summary>Whether the rows held include any of these kits': a read of them must be sent after the rows.</summary>
    public bool Touches(IEnumerable<string> barcodes) => !IsEmpty && barcodes.Any(_barcodes.Contains);

    public void InsertReport(LabReport r) => _reports.Add(r);

    /// <summary>A new current version: the report takes its status, times and panel; the lab and collection time only if the version has them.</summary>
    public void UpdateReport(LabReport r) => Update("""
        update lab_reports set panel_code = $2, panel_display = $3, status = $4, current_version = $5, issued_at = $6,
            collected_at = coalesce($7, collected_at), lab = coalesce($8, lab), released = $9, updated_at = $10
        where id = $1
        """, r.Id, r.PanelCode, r.PanelDisplay, r.Status, r.CurrentVersion, Utc(r.IssuedAt), Time(r.CollectedAt), Lab(r.Lab),
        r.Released, Utc(r.UpdatedAt));

    public void CountVersion(Guid reportId, DateTimeOffset now) =>
        Update("update lab_reports set current_version = current_version + 1, updated_at = $2 where id = $1", reportId, Utc(now));

    public void Supersede(Guid versionId, DateTimeOffset at) =>
        Update("update report_versions set superseded_at = $2 where id = $1", versionId, Utc(at));

    public void InsertVersion(ReportVersion v)
    {
        _versions.Add(v);
        _observations.AddRange(v.Observations);
    }

    /// <summary>
    /// The kit row after a version (the handler holds its lock, so no version check is needed). A kit changed
    /// twice in one transaction (two reports of one message) is written once, as the two updates would leave it.
    /// </summary>
    public void UpdateKit(Guid kitId, string status, DateTimeOffset? receivedAt, DateTimeOffset? resultedAt, string? rejectionCode,
        string? rejectionReason, DateTimeOffset now)
    {
        var change = new KitChange(status, receivedAt, resultedAt, rejectionCode, rejectionReason, now);
        _kits[kitId] = _kits.TryGetValue(kitId, out var before) ? before.Then(change) : change;
    }

    /// <summary>
    /// Sends the rows now, or, with <paramref name="deferTo"/> (a message of a batch), holds them there for a
    /// later round trip of the transaction: a read of their kits, or the batch's outbox rows.
    /// </summary>
    public async Task ExecuteAsync(DtcDbContext db, DeferredStatements? deferTo, CancellationToken ct)
    {
        if (IsEmpty) return;
        if (deferTo is not null)
        {
            deferTo.Hold(this);
            return;
        }
        await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection(),
            (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
        MoveTo(batch);
        // Prepared (once per connection and statement text): each statement has one text and one plan whatever
        // its row count and the table sizes, so the server need not parse and plan them for every message (the
        // reads in LisRows are prepared too, written so that their generic plan stays right). Held, they are
        // prepared by the batch that carries them.
        await batch.PrepareAsync(ct);
        await batch.ExecuteNonQueryAsync(ct);
    }

    public void MoveTo(NpgsqlBatch batch)
    {
        // Parents before children: reports, then versions, then observations (their foreign keys).
        if (_reports.Count > 0) batch.BatchCommands.Add(InsertReports(_reports));
        if (_versions.Count > 0) batch.BatchCommands.Add(InsertVersions(_versions));
        if (_observations.Count > 0) batch.BatchCommands.Add(InsertObservations(_observations));
        if (_kits.Count > 0) batch.BatchCommands.Add(UpdateKits(_kits));
        foreach (var command in _updates) batch.BatchCommands.Add(command);
        _barcodes.Clear();
        _reports.Clear();
        _versions.Clear();
        _observations.Clear();
        _kits.Clear();
        _updates.Clear();
    }

    static NpgsqlBatchCommand InsertReports(List<LabReport> r) => Command("""
        insert into lab_reports (id, kit_id, customer_id, accession, panel_code, panel_display, status, current_version,
            issued_at, collected_at, received_at, released, updated_at, lab)
        select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[],
            $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::bool[], $13::timestamptz[], $14::jsonb[])
        """,
        Of(r, x => x.Id), Of(r, x => x.KitId), Of(r, x => x.CustomerId), Of(r, x => x.Accession), Of(r, x => x.PanelCode),
        Of(r, x => x.PanelDisplay), Of(r, x => x.Status), Of(r, x => x.CurrentVersion), Of(r, x => Utc(x.IssuedAt)),
        Of(r, x => x.CollectedAt?.ToUniversalTime()), Of(r, x => Utc(x.ReceivedAt)), Of(r, x => x.Released), Of(r, x => Utc(x.UpdatedAt)),
        new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = Of(r, x => LabJson(x.Lab)) });

    static NpgsqlBatchCommand InsertVersions(List<ReportVersion> v) => Command("""
        insert into report_versions (id, report_id, number, status, issued_at, received_at, source_message_id, source_format, superseded_at, notes)
        select * from unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[], $8::text[],
            $9::timestamptz[], $10::text[])
        """,
        Of(v, x => x.Id), Of(v, x => x.ReportId), Of(v, x => x.Number), Of(v, x => x.Status), Of(v, x => Utc(x.IssuedAt)),
        Of(v, x => Utc(x.ReceivedAt)), Of(v, x => x.SourceMessageId), Of(v, x => x.SourceFormat), Of(v, x => x.SupersededAt?.ToUniversalTime()),
        Of(v, x => x.Notes));

    static NpgsqlBatchCommand InsertObservations(List<Observation> o) => Command("""
        insert into observations (id, version_id, sequence, code, code_system, display, value_type, numeric_value, text_value, unit,
            reference_range, reference_low, reference_high, flag, status, observed_at, notes)
        select * from unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::numeric[],
            $9::text[], $10::text[], $11::text[], $12::numeric[], $13::numeric[], $14::text[], $15::text[], $16::timestamptz[], $17::text[])
        """,
        Of(o, x => x.Id), Of(o, x => x.VersionId), Of(o, x => x.Sequence), Of(o, x => x.Code), Of(o, x => x.CodeSystem),
        Of(o, x => x.Display), Of(o, x => x.ValueType), Of(o, x => x.NumericValue), Of(o, x => x.TextValue), Of(o, x => x.Unit),
        Of(o, x => x.ReferenceRange), Of(o, x => x.ReferenceLow), Of(o, x => x.ReferenceHigh), Of(o, x => x.Flag), Of(o, x => x.Status),
        Of(o, x => x.ObservedAt?.ToUniversalTime()), Of(o, x => x.Notes));

    // The kits by primary key ("= any" of the ids), whatever plan the generic plan of the join would take.
    static NpgsqlBatchCommand UpdateKits(Dictionary<Guid, KitChange> kits)
    {
        var k = kits.ToList();
        return Command("""
            update kits k set status = u.status, received_at = coalesce(k.received_at, u.received_at),
                resulted_at = coalesce(u.resulted_at, k.resulted_at), rejection_code = u.rejection_code,
                rejection_reason = u.rejection_reason, updated_at = u.updated_at
            from unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::text[], $7::timestamptz[])
                as u(id, status, received_at, resulted_at, rejection_code, rejection_reason, updated_at)
            where k.id = any($1::uuid[]) and k.id = u.id
            """,
            Of(k, x => x.Key), Of(k, x => x.Value.Status), Of(k, x => x.Value.ReceivedAt?.ToUniversalTime()),
            Of(k, x => x.Value.ResultedAt?.ToUniversalTime()), Of(k, x => x.Value.RejectionCode), Of(k, x => x.Value.RejectionReason),
            Of(k, x => Utc(x.Value.UpdatedAt)));
    }

    /// <summary>One kit update, and what a second one leaves of the first (the statement's coalesces, applied in order).</summary>
    sealed record KitChange(string Status, DateTimeOffset? ReceivedAt, DateTimeOffset? ResultedAt, string? RejectionCode,
        string? RejectionReason, DateTimeOffset UpdatedAt)
    {
        public KitChange Then(KitChange next) => next with { ReceivedAt = ReceivedAt ?? next.ReceivedAt, ResultedAt = next.ResultedAt ?? ResultedAt };
    }

    void Update(string sql, params object?[] values) => _updates.Add(Command(sql, values));

    static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }

    static TValue[] Of<TRow, TValue>(List<TRow> rows, Func<TRow, TValue> value) => rows.ConvertAll(x => value(x)).ToArray();

    // Nulls are sent with their type, so that the server never has to guess one from the context.
    static NpgsqlParameter Time(DateTimeOffset? at) => new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = at is { } t ? t.ToUniversalTime() : DBNull.Value };
    static DateTimeOffset Utc(DateTimeOffset at) => at.ToUniversalTime();

    static NpgsqlParameter Lab(PerformingLab? lab) => new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = (object?)LabJson(lab) ?? DBNull.Value };

    // The shape EF gives the owned JSON column (property names as in the class).
    static string? LabJson(PerformingLab? lab) => lab is null ? null : JsonSerializer.Serialize(new { lab.Name, lab.Address, lab.Director });
}
