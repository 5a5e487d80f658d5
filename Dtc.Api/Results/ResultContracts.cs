using System.Linq.Expressions;
using Dtc.Data.Results;

namespace Dtc.Api.Results;

/// <summary>A released report in the patient's list: no values, only what the list shows.</summary>
public sealed record ResultSummary(
    Guid Id, Guid KitId, string PanelCode, string PanelDisplay, string Status, int Version,
    DateTimeOffset IssuedAt, DateTimeOffset? CollectedAt, DateTimeOffset? ViewedAt);

public sealed record ReferenceRangeDto(string? Text, decimal? Low, decimal? High);

/// <summary>One result value. <see cref="Abnormal"/> is true for any flag but N (normal), NEG and ND (not detected).</summary>
public sealed record ObservationDto(
    Guid Id, string Code, string CodeSystem, string Display, string ValueType, decimal? Value, string? Text, string? Unit,
    ReferenceRangeDto? ReferenceRange, string? Flag, bool Abnormal, string Status, DateTimeOffset? ObservedAt);

/// <summary>One version as the lab sent it. An entered-in-error version is withdrawn: its values are not shown.</summary>
public sealed record ReportVersionDto(int Number, string Status, DateTimeOffset IssuedAt, DateTimeOffset? SupersededAt, bool Withdrawn, IReadOnlyList<ObservationDto> Observations);

public sealed record LabDto(string Name, string? Address, string? Director);

/// <summary>A report: its current values, and every version (newest first) so a correction shows what it replaced.</summary>
public sealed record ResultDetail(
    Guid Id, Guid KitId, string Accession, string PanelCode, string PanelDisplay, string Status, int Version, DateTimeOffset IssuedAt,
    DateTimeOffset? CollectedAt, DateTimeOffset ReceivedAt, DateTimeOffset? ViewedAt, LabDto? Lab, bool Withdrawn,
    IReadOnlyList<ObservationDto> Observations, IReadOnlyList<ReportVersionDto> Versions);

internal static class ResultProjections
{
    public static readonly Expression<Func<LabReport, ResultSummary>> Summary = r => new ResultSummary(
        r.Id, r.KitId, r.PanelCode, r.PanelDisplay, r.Status, r.CurrentVersion, r.IssuedAt, r.CollectedAt, r.ViewedAt);

    public static readonly Expression<Func<ReportVersion, ReportVersionDto>> Version = v => new ReportVersionDto(
        v.Number, v.Status, v.IssuedAt, v.SupersededAt, v.Status == ReportStatus.EnteredInError,
        v.Observations
            .Where(o => v.Status != ReportStatus.EnteredInError && o.Status != ReportStatus.EnteredInError)
            .OrderBy(o => o.Sequence)
            .Select(o => new ObservationDto(
                o.Id, o.Code, o.CodeSystem, o.Display, o.ValueType, o.NumericValue, o.TextValue, o.Unit,
                o.ReferenceRange == null && o.ReferenceLow == null && o.ReferenceHigh == null
                    ? null
                    : new ReferenceRangeDto(o.ReferenceRange, o.ReferenceLow, o.ReferenceHigh),
                o.Flag, o.Flag != null && o.Flag != "N" && o.Flag != "NEG" && o.Flag != "ND", o.Status, o.ObservedAt))
            .ToList());
}
