using Dtc.Data;
using Dtc.Data.Kits;
using Dtc.Data.Results;
using Dtc.Lis;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;
using PerformingLab = Dtc.Data.Results.PerformingLab;

namespace Dtc.Consumers.Lis;

/// <summary>
/// Writes one report of a message as a new version, under its kit's lock, and what follows from it: the
/// report's current state, the kit's status, and the events and notification job (README: Result release
/// rules). The rows go into <see cref="Batch"/> (the transaction's: one statement per table for all its
/// messages); the outbox rows into the DbContext.
/// </summary>
public sealed class ReportWriter(DtcDbContext db, ReportBatch batch)
{
    /// <summary>The kits' statuses as this message leaves them (a message may carry several reports of one kit).</summary>
    readonly Dictionary<Guid, string> _kitStatus = [];

    public ReportBatch Batch { get; } = batch;

    public async Task<VersionPlace> WriteAsync(
        LabMessage message, LabReportMessage report, KitOwner owner, ReportRow? row, DateTimeOffset now, CancellationToken ct)
    {
        if (row?.Holds(message.SourceMessageId) == true) return VersionPlace.Duplicate;
        Batch.Touch(owner.Barcode);
        var status = StatusOf(report);
        var rejected = report.SpecimenRejection is not null || status == ReportStatus.Cancelled;
        var effect = ReleaseRules.Decide(row is null ? null : new CurrentVersion(row.Status, row.IssuedAt, row.Released), status, report.IssuedAt, rejected);
        if (effect.Place == VersionPlace.History) effect = await WriteHistoryAsync(message, report, status, row!, now, ct);
        if (effect.Place == VersionPlace.Duplicate) return effect.Place;

        var kitStatus = _kitStatus.GetValueOrDefault(owner.KitId, owner.Status);
        var next = ReleaseRules.NextKitStatus(kitStatus, effect);
        var rejection = next == KitStatus.Rejected ? SpecimenRejections.Describe(report.SpecimenRejection, report.Notes) : default;
        if (next is not null)
        {
            _kitStatus[owner.KitId] = next;
            Batch.UpdateKit(owner.KitId, next, now, next == KitStatus.Resulted ? now : null, rejection.Code, rejection.Words, now);
        }
        if (effect.Place == VersionPlace.History) return effect.Place;

        var reportId = row?.Id ?? Guid.CreateVersion7();
        var number = (row?.CurrentVersion ?? 0) + 1;
        var stored = new LabReport
        {
            Id = reportId, KitId = owner.KitId, CustomerId = owner.CustomerId!.Value, Accession = report.Accession,
            PanelCode = report.PanelCode, PanelDisplay = report.PanelDisplay, Status = status, CurrentVersion = number,
            IssuedAt = report.IssuedAt, CollectedAt = report.CollectedAt, ReceivedAt = now, Lab = LabOf(message, report),
            Released = effect.Released, UpdatedAt = now,
        };
        if (row is null) Batch.InsertReport(stored);
        else
        {
            Batch.UpdateReport(stored);
            Batch.Supersede(row.CurrentVersionId, now);
        }
        Batch.InsertVersion(Version(message, report, status, reportId, number, now));
        Announce(effect, next, owner, rejection, reportId, number, status, report.IssuedAt);
        return effect.Place;
    }

    /// <summary>
    /// Older than the current version (delivered out of order): kept in the history at its place by issue
    /// time, superseded from the start; the versions after it move up one number.
    /// </summary>
    async Task<VersionEffect> WriteHistoryAsync(LabMessage message, LabReportMessage report, string status, ReportRow row, DateTimeOffset now, CancellationToken ct)
    {
        var held = await db.ReportVersions.AsNoTracking().Where(v => v.ReportId == row.Id)
            .Select(v => new { v.IssuedAt, v.Status }).ToListAsync(ct);
        if (held.Any(v => ReleaseRules.Compare(report.IssuedAt, status, v.IssuedAt, v.Status) == 0)) return VersionEffect.Duplicate;
        var number = 1 + held.Count(v => ReleaseRules.Compare(v.IssuedAt, v.Status, report.IssuedAt, status) < 0);
        await LisRows.ShiftVersionsAsync(db, row.Id, number, ct);
        var version = Version(message, report, status, row.Id, number, now);
        version.SupersededAt = now;
        Batch.InsertVersion(version);
        Batch.CountVersion(row.Id, now);
        return VersionEffect.Stale;
    }

    void Announce(VersionEffect effect, string? kitStatus, KitOwner owner, (string Code, string Words) rejection, Guid reportId, int number,
        string status, DateTimeOffset issuedAt)
    {
        var customerId = owner.CustomerId!.Value;
        if (effect.PublishReleased) db.Publish(new ResultReleased(reportId, owner.KitId, customerId, number, status, issuedAt));
        var template = effect.Template;
        if (effect.RejectKit)
        {
            // Told once per rejection of the kit, not again for each later cancelled version.
            if (kitStatus != KitStatus.Rejected) return;
            db.Publish(new SpecimenRejected(owner.KitId, customerId, owner.Barcode, rejection.Code, rejection.Words));
        }
        if (template is null) return;
        Dictionary<string, string> data = template switch
        {
            ReleaseRules.SpecimenRejected => new() { ["kitId"] = owner.KitId.ToString() },
            _ when effect.Released => new() { ["reportId"] = reportId.ToString() },
            _ => [],
        };
        db.Publish(new NotificationSend(customerId, template, $"result:{reportId}:v{number}", data));
    }

    /// <summary>
    /// HL7 v2 has no report status for "entered in error" (table 0123): a report whose every result the
    /// lab withdrew (OBX-11 D or W) is withdrawn as a whole.
    /// </summary>
    static string StatusOf(LabReportMessage report) =>
        report.Observations.Count > 0 && report.Observations.All(o => o.Status == LisStatus.EnteredInError)
            ? ReportStatus.EnteredInError
            : report.Status;

    static PerformingLab? LabOf(LabMessage message, LabReportMessage report) =>
        report.PerformingLab is { } lab ? new PerformingLab { Name = lab.Name, Address = lab.Address, Director = lab.Director }
        : message.SendingLab is { } sender ? new PerformingLab { Name = sender.Name }
        : null;

    static ReportVersion Version(LabMessage message, LabReportMessage report, string status, Guid reportId, int number, DateTimeOffset now)
    {
        var id = Guid.CreateVersion7();
        return new ReportVersion
        {
            Id = id, ReportId = reportId, Number = number, Status = status, IssuedAt = report.IssuedAt, ReceivedAt = now,
            SourceMessageId = message.SourceMessageId, SourceFormat = message.Format, Notes = Lines(report.Notes),
            Observations = [.. report.Observations.Select(o => new Observation
            {
                Id = Guid.CreateVersion7(), VersionId = id, Sequence = o.Sequence, Code = o.Code, CodeSystem = o.CodeSystem ?? "",
                Display = o.Display, ValueType = o.ValueType, NumericValue = o.NumericValue, TextValue = o.TextValue, Unit = o.Unit,
                ReferenceRange = o.ReferenceRange, ReferenceLow = o.ReferenceLow, ReferenceHigh = o.ReferenceHigh, Flag = o.Flag,
                Status = o.Status, ObservedAt = o.ObservedAt, Notes = Lines(o.Notes),
            })],
        };
    }

    static string? Lines(IReadOnlyList<string> notes) => notes.Count == 0 ? null : string.Join("\n", notes);
}
