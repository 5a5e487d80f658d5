using Dtc.Api.Http;
using Dtc.Data;
using Dtc.Data.Results;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Api.Results;

/// <summary>The reads of one result: one round trip, no tracking, only the columns the response needs.</summary>
internal static class ResultQueries
{
    /// <summary>A patient sees a report only once it is released to them (see README: release rules).</summary>
    public static IQueryable<LabReport> Visible(this DtcDbContext db, Guid customerId) =>
        db.LabReports.AsNoTracking().Where(r => r.CustomerId == customerId && r.Released);

    public static async Task<ResultDetail?> DetailAsync(DtcDbContext db, Guid me, Guid id, CancellationToken ct)
    {
        var row = await db.Visible(me).Where(r => r.Id == id).Select(r => new
        {
            Summary = new ResultSummary(r.Id, r.KitId, r.PanelCode, r.PanelDisplay, r.Status, r.CurrentVersion, r.IssuedAt, r.CollectedAt, r.ViewedAt),
            r.Accession,
            r.ReceivedAt,
            Lab = r.Lab == null ? null : new LabDto(r.Lab.Name, r.Lab.Address, r.Lab.Director),
            Versions = r.Versions.AsQueryable().OrderByDescending(v => v.Number).Select(ResultProjections.Version).ToList(),
        }).SingleOrDefaultAsync(ct);
        if (row is null) return null;
        var s = row.Summary;
        var current = row.Versions.FirstOrDefault(v => v.Number == s.Version);
        var withdrawn = s.Status == ReportStatus.EnteredInError || current?.Withdrawn == true;
        return new ResultDetail(s.Id, s.KitId, row.Accession, s.PanelCode, s.PanelDisplay, s.Status, s.Version, s.IssuedAt, s.CollectedAt,
            row.ReceivedAt, s.ViewedAt, row.Lab, withdrawn, withdrawn ? [] : current?.Observations ?? [], row.Versions);
    }
}

/// <summary>The list's filters: statuses, and an issue-date range [from, to] in UTC days.</summary>
public sealed record ResultFilter(string[]? Statuses, DateTimeOffset? IssuedFrom, DateTimeOffset? IssuedBefore);
