using System.Security.Claims;
using Dtc.Api.Audit;
using Dtc.Api.Http;
using Dtc.Data;
using Dtc.Data.Results;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Api.Results;

/// <summary>My lab results. Every read is audited: its event committed before the data leaves.</summary>
public static class ResultsApi
{
    static readonly string[] knownStatuses =
        [ReportStatus.Preliminary, ReportStatus.Final, ReportStatus.Corrected, ReportStatus.Cancelled, ReportStatus.EnteredInError];

    public static RouteGroupBuilder MapResultsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/results").WithTags("Results");
        group.MapGet("/", ListAsync).WithName("ListResults")
            .WithSummary("List my released results, newest first; filter by status (repeatable) and issue date (from, to: UTC days).");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetResult")
            .WithSummary("Read one result: values, flags, reference ranges, and every earlier version.");
        group.MapGet("/{id:guid}/fhir", ExportAsync).WithName("ExportResultFhir")
            .WithSummary("Export one result as a FHIR R4 Bundle (DiagnosticReport, Observations, Patient).")
            .Produces<string>(StatusCodes.Status200OK, FhirExport.ContentType);
        group.MapPost("/{id:guid}/viewed", MarkViewedAsync).WithName("MarkResultViewed")
            .WithSummary("Mark a result as viewed (the first time is kept).");
        return group;
    }

    static async Task<Results<Ok<Page<ResultSummary>>, ValidationProblem>> ListAsync(
        ClaimsPrincipal user, DtcDbContext db, Auditor audit, string[]? status, DateOnly? from, DateOnly? to, string? cursor, int? limit,
        CancellationToken ct)
    {
        var errors = Cursor.Check(cursor, limit, out var after, out var take);
        if (status?.FirstOrDefault(s => !knownStatuses.Contains(s)) is { } unknown)
        {
            errors["status"] = [$"'{unknown}' is not a report status; use {string.Join(", ", knownStatuses)}."];
        }
        if (from > to) errors["from"] = ["'from' must not be after 'to'."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var me = user.PatientId();
        var filter = new ResultFilter(status, StartOf(from), StartOf(to?.AddDays(1)));
        var rows = await audit.ReadAlwaysAsync(AuditActions.ResultList, me, AuditActions.LabReport,
            ct => ResultListQuery.RunAsync(db, me, filter, after, take, ct), ct);
        return TypedResults.Ok(Cursor.PageOf(rows, take, r => new Cursor(r.IssuedAt, r.Id)));
    }

    static async Task<Results<Ok<ResultDetail>, NotFound>> GetAsync(Guid id, ClaimsPrincipal user, DtcDbContext db, Auditor audit, CancellationToken ct)
    {
        var me = user.PatientId();
        var detail = await audit.ReadAsync(AuditActions.ResultRead, me, AuditActions.LabReport, id, ct => ResultQueries.DetailAsync(db, me, id, ct), ct);
        return detail is null ? TypedResults.NotFound() : TypedResults.Ok(detail);
    }

    static async Task<Results<ContentHttpResult, NotFound>> ExportAsync(
        Guid id, ClaimsPrincipal user, DtcDbContext db, Auditor audit, TimeProvider clock, CancellationToken ct)
    {
        var me = user.PatientId();
        var bundle = await audit.ReadAsync(AuditActions.ResultExport, me, AuditActions.LabReport, id, async ct =>
        {
            var detail = await ResultQueries.DetailAsync(db, me, id, ct);
            if (detail is null) return null;
            var patient = await db.Customers.AsNoTracking().SingleAsync(c => c.Id == me, ct);
            return FhirExport.Bundle(detail, patient, clock.Now());
        }, ct);
        return bundle is null ? TypedResults.NotFound() : TypedResults.Text(bundle, FhirExport.ContentType);
    }

    static async Task<Results<NoContent, NotFound>> MarkViewedAsync(
        Guid id, ClaimsPrincipal user, DtcDbContext db, Auditor audit, TimeProvider clock, CancellationToken ct)
    {
        var me = user.PatientId();
        var now = clock.Now();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var marked = await db.LabReports.Where(r => r.Id == id && r.CustomerId == me && r.Released)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ViewedAt, r => r.ViewedAt ?? now), ct);
        if (marked == 0) return TypedResults.NotFound();
        audit.Record(AuditActions.ResultViewed, me, AuditActions.LabReport, id);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    static DateTimeOffset? StartOf(DateOnly? day) => day is { } d ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;
}
