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
/// rules). Rows already in the database are changed through stubs built from what was read, so that
/// nothing is loaded twice and everything goes out in the one SaveChanges batch.
/// </summary>
public sealed class ReportWriter(DtcDbContext db)
{
    readonly Dictionary<Guid, Kit> _kits = [];

    public async Task<VersionPlace> WriteAsync(
        LabMessage message, LabReportMessage report, KitOwner owner, ReportRow? row, DateTimeOffset now, CancellationToken ct)
    {
        if (row?.HasMessage == true) return VersionPlace.Duplicate;
        var status = StatusOf(report);
        var rejected = report.SpecimenRejection is not null || status == ReportStatus.Cancelled;
        var effect = ReleaseRules.Decide(row is null ? null : new CurrentVersion(row.Status, row.IssuedAt, row.Released), status, report.IssuedAt, rejected);
        if (effect.Place == VersionPlace.History) effect = await WriteHistoryAsync(message, report, status, row!, now, ct);
        if (effect.Place == VersionPlace.Duplicate) return effect.Place;

        var kit = Kit(owner);
        var next = ReleaseRules.NextKitStatus(kit.Status, effect);
        Move(kit, next, report, now);
        if (effect.Place == VersionPlace.History) return effect.Place;

        var reportId = row?.Id ?? Guid.CreateVersion7();
        var number = (row?.CurrentVersion ?? 0) + 1;
        var version = Version(message, report, status, reportId, number, now);
        var lab = LabOf(message, report);
        if (row is null)
        {
            db.LabReports.Add(new LabReport
            {
                Id = reportId, KitId = owner.KitId, CustomerId = owner.CustomerId!.Value, Accession = report.Accession,
                PanelCode = report.PanelCode, PanelDisplay = report.PanelDisplay, Status = status, CurrentVersion = number,
                IssuedAt = report.IssuedAt, CollectedAt = report.CollectedAt, ReceivedAt = now, Lab = lab,
                Released = effect.Released, UpdatedAt = now, Versions = [version],
            });
        }
        else
        {
            var stored = Stub(row);
            stored.PanelCode = report.PanelCode;
            stored.PanelDisplay = report.PanelDisplay;
            stored.Status = status;
            stored.CurrentVersion = number;
            stored.IssuedAt = report.IssuedAt;
            if (report.CollectedAt is not null) stored.CollectedAt = report.CollectedAt;
            if (lab is not null) stored.Lab = lab;
            stored.Released = effect.Released;
            stored.UpdatedAt = now;
            var previous = new ReportVersion { Id = row.CurrentVersionId, Status = row.Status, SourceMessageId = "", SourceFormat = "" };
            db.ReportVersions.Attach(previous);
            previous.SupersededAt = now;
            db.ReportVersions.Add(version);
        }
        Announce(effect, next, owner, kit, reportId, number, status, report.IssuedAt);
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
        db.ReportVersions.Add(version);
        var stored = Stub(row);
        stored.CurrentVersion = row.CurrentVersion + 1;
        stored.UpdatedAt = now;
        return VersionEffect.Stale;
    }

    void Announce(VersionEffect effect, string? kitStatus, KitOwner owner, Kit kit, Guid reportId, int number, string status, DateTimeOffset issuedAt)
    {
        var customerId = owner.CustomerId!.Value;
        if (effect.PublishReleased) db.Publish(new ResultReleased(reportId, owner.KitId, customerId, number, status, issuedAt));
        var template = effect.Template;
        if (effect.RejectKit)
        {
            // Told once per rejection of the kit, not again for each later cancelled version.
            if (kitStatus != KitStatus.Rejected) return;
            db.Publish(new SpecimenRejected(owner.KitId, customerId, owner.Barcode, kit.RejectionCode!, kit.RejectionReason!));
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

    static void Move(Kit kit, string? next, LabReportMessage report, DateTimeOffset now)
    {
        if (next is null) return;
        kit.Status = next;
        kit.ReceivedAt ??= now;
        kit.UpdatedAt = now;
        if (next == KitStatus.Resulted)
        {
            kit.ResultedAt = now;
            kit.RejectionCode = null;
            kit.RejectionReason = null;
        }
        else if (next == KitStatus.Rejected)
        {
            (kit.RejectionCode, kit.RejectionReason) = SpecimenRejections.Describe(report.SpecimenRejection, report.Notes);
        }
    }

    /// <summary>The kit row, attached once per message with the values read under the lock (xmin included).</summary>
    Kit Kit(KitOwner owner)
    {
        if (_kits.TryGetValue(owner.KitId, out var kit)) return kit;
        kit = new Kit
        {
            Id = owner.KitId, Barcode = owner.Barcode, Status = owner.Status, CustomerId = owner.CustomerId,
            ReceivedAt = owner.ReceivedAt, RowVersion = owner.RowVersion,
        };
        db.Kits.Attach(kit);
        return _kits[owner.KitId] = kit;
    }

    LabReport Stub(ReportRow row)
    {
        var tracked = db.LabReports.Local.FirstOrDefault(r => r.Id == row.Id);
        if (tracked is not null) return tracked;
        var stub = new LabReport
        {
            Id = row.Id, KitId = row.KitId, Accession = row.Accession, PanelCode = "", Status = row.Status,
            CurrentVersion = row.CurrentVersion, IssuedAt = row.IssuedAt, Released = row.Released,
        };
        db.LabReports.Attach(stub);
        return stub;
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
