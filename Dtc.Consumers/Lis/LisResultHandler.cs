using Dtc.Data.Kits;
using System.Text;
using System.Text.Unicode;
using Dtc.Consumers.Kits;
using Dtc.Data;
using Dtc.Data.Results;
using Dtc.Lis;
using Dtc.Messaging.Consuming;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dtc.Consumers.Lis;

/// <summary>
/// <c>lis.result</c> (HL7 v2 ORU^R01 or FHIR R4, by content type) → patient results. An unreadable message
/// is parked with the parser's reason; one that cannot be attached to its kit's patient is quarantined
/// (committed, acked, attached to no one); the rest is stored under the kits' row locks (README: Result
/// release rules). Round trips besides the bus's own: lock and read (one, or in a batch none: one for the
/// whole batch, <see cref="LisBatchRead"/>, and one more for a later message of a kit already handled in the
/// batch), the result rows (one, or in a batch none: they go with the batch's outbox rows, one statement per
/// table for the whole batch, or with the read of a later message of the same kit); the outbox rows go with
/// the consumer's flush, one for a whole batch of messages.
/// </summary>
public sealed partial class LisResultHandler(
    DtcDbContext db, ReportWriter writer, DeferredStatements deferred, LisBatchRead batchRead, TimeProvider clock, LisTelemetry telemetry,
    ILogger<LisResultHandler> logger) : IRawMessageHandler
{
    public async Task HandleAsync(MessageContext context, CancellationToken ct)
    {
        var message = batchRead.Parsed(context.MessageId);
        if (message is null)
        {
            var parsed = LisParser.Parse(context.Body.Span, context.ContentType);
            if (!parsed.IsSuccess) throw Park(null, parsed.Error.Code, parsed.Error.Detail);
            message = parsed.Message;
        }
        var reports = message.Reports.Select(r => r with { KitBarcode = KitBarcode.Normalize(r.KitBarcode) }).ToList();
        if (Unstorable(message, reports) is { } invalid) throw Park(message.Format, invalid.Code, invalid.Reason);

        try
        {
            await IngestAsync(context, message, reports, ct);
        }
        catch (Exception ex) when ((ex as PostgresException ?? ex.InnerException as PostgresException) is { SqlState: "22021" or "22P05" or "22001" } pg)
        {
            // A value PostgreSQL cannot hold (a NUL character, say): it never will, so it is parked rather than retried.
            throw Park(message.Format, "unstorable-value", $"PostgreSQL refused a value of the message ({pg.SqlState}: {pg.MessageText})");
        }
    }

    async Task IngestAsync(MessageContext context, LabMessage message, List<LabReportMessage> reports, CancellationToken ct)
    {
        // The consumer's transaction is all or nothing: a savepoint per SaveChanges would cost two round trips and save nothing.
        db.Database.AutoSavepointsEnabled = false;
        string[] barcodes = [.. reports.Select(r => r.KitBarcode).Distinct()];
        // In a batch, the kits were most likely locked and read for all its messages at once (LisBatchRead).
        var (kits, existing) = batchRead.Take(barcodes)
            ?? await LisRows.LockAsync(db, deferred, writer.Batch, barcodes, [.. reports.Select(r => r.Accession).Distinct()], [message.SourceMessageId], ct);
        var now = clock.GetUtcNow();
        foreach (var report in reports)
        {
            if (PatientMatch.Check(message.Patient, kits.GetValueOrDefault(report.KitBarcode)) is { } mismatch)
            {
                Quarantine(context, message, report.KitBarcode, mismatch, now);
                return;
            }
        }

        var places = new List<VersionPlace>(reports.Count);
        foreach (var report in reports)
        {
            var kit = kits[report.KitBarcode];
            var row = existing.SingleOrDefault(r => r.KitId == kit.KitId && r.Accession == report.Accession);
            places.Add(await writer.WriteAsync(message, report, kit, row, now, ct));
        }
        // In a batch, the rows go with the batch's outbox rows (or the read of a later message of these kits); alone,
        // now, so that a value PostgreSQL refuses is this message's error (parked above).
        await writer.Batch.ExecuteAsync(db, context.InBatch ? deferred : null, ct);
        // The outbox rows (and a quarantined message) are saved by the consumer: once for a whole batch.
        var outcome = places.Contains(VersionPlace.Current) ? LisOutcome.Stored
            : places.Contains(VersionPlace.History) ? LisOutcome.Stale
            : LisOutcome.Duplicate;
        telemetry.OnCommit(db, outcome, message.Format, null, message.MessageTime, clock);
    }

    void Quarantine(MessageContext context, LabMessage message, string barcode, Mismatch mismatch, DateTimeOffset now)
    {
        var id = Guid.CreateVersion7();
        db.QuarantinedMessages.Add(new QuarantinedMessage
        {
            Id = id,
            MessageId = context.MessageId,
            SourceMessageId = message.SourceMessageId,
            Barcode = barcode,
            ContentType = context.ContentType,
            Raw = Text(context.Body.Span),
            ReasonCode = mismatch.Code,
            Reason = mismatch.Reason,
            ReceivedAt = now,
        });
        LogQuarantined(context.MessageId, id, mismatch.Code, mismatch.Reason);
        telemetry.OnCommit(db, LisOutcome.Quarantined, message.Format, mismatch.Code, message.MessageTime, clock);
    }

    /// <summary>What the parser accepts but the tables cannot hold; the detail names the field, never its value.</summary>
    static Mismatch? Unstorable(LabMessage message, List<LabReportMessage> reports)
    {
        if (message.SourceMessageId.Length > 128) return TooLong("message id (MSH-10 / Bundle.identifier)", 128);
        foreach (var (report, i) in reports.Select((r, i) => (r, i + 1)))
        {
            if (report.Accession.Length > 64) return TooLong($"report {i} accession (OBR-3)", 64);
            if (report.PanelCode.Length > 32) return TooLong($"report {i} panel code (OBR-4)", 32);
            if (report.Observations.FirstOrDefault(o => o.Code.Length > 32) is { } obx)
                return TooLong($"report {i} observation {obx.Sequence} code (OBX-3)", 32);
        }
        return reports.GroupBy(r => (r.KitBarcode, r.Accession)).Any(g => g.Count() > 1)
            ? new("duplicate-report", "two reports in the message have the same kit barcode and accession")
            : null;

        static Mismatch TooLong(string what, int max) => new("field-too-long", $"the {what} is longer than {max} characters");
    }

    /// <summary>Counted when the consumer has parked it, not here: a message of a batch that rolls back is handled twice.</summary>
    PoisonMessageException Park(string? format, string code, string detail) =>
        new(code, detail) { OnParked = () => telemetry.Parked(format, code) };

    /// <summary>The body as the parser read it: UTF-8 when valid, else Latin-1 (no byte is lost either way).</summary>
    static string Text(ReadOnlySpan<byte> body) => Utf8.IsValid(body) ? Encoding.UTF8.GetString(body) : Encoding.Latin1.GetString(body);

    [LoggerMessage(LogLevel.Warning, "LIS message {MessageId} quarantined as {QuarantineId}: {ReasonCode} ({Reason})")]
    partial void LogQuarantined(Guid messageId, Guid quarantineId, string reasonCode, string reason);
}
