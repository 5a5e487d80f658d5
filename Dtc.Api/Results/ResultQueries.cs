using Dtc.Api.Http;
using Dtc.Data;
using Dtc.Data.Results;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Api.Results;

/// <summary>The reads of one result: one round trip, no tracking, only the columns the response needs.</summary>
internal static class ResultQueries
{
    sealed record DetailRow(ResultSummary Summary, string Accession, DateTimeOffset ReceivedAt, LabDto? Lab, List<ReportVersionDto> Versions);

    /// <summary>
    /// Compiled once: EF otherwise walks and hashes this tree (a report, its versions and their observations)
    /// on every request to find its cached plan. A patient sees a report only once it is released to them
    /// (see README: release rules).
    /// </summary>
    static readonly Func<DtcDbContext, Guid, Guid, CancellationToken, Task<DetailRow?>> detail = EF.CompileAsyncQuery(
        (DtcDbContext db, Guid me, Guid id, CancellationToken ct) => db.LabReports.AsNoTracking()
            .Where(r => r.CustomerId == me && r.Released && r.Id == id)
            .Select(r => new DetailRow(
                new ResultSummary(r.Id, r.KitId, r.PanelCode, r.PanelDisplay, r.Status, r.CurrentVersion, r.IssuedAt, r.CollectedAt, r.ViewedAt),
                r.Accession,
                r.ReceivedAt,
                r.Lab == null ? null : new LabDto(r.Lab.Name, r.Lab.Address, r.Lab.Director),
                r.Versions.AsQueryable().OrderByDescending(v => v.Number).Select(ResultProjections.Version).ToList()))
            .SingleOrDefault());

    public static async Task<ResultDetail?> DetailAsync(DtcDbContext db, Guid me, Guid id, CancellationToken ct)
    {
        var row = await detail(db, me, id, ct);
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
