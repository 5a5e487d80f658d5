using System.Security.Claims;
using Dtc.Api.Audit;
using Dtc.Api.Http;
using Dtc.Data;
using Dtc.Data.Kits;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Outbox;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Api.Kits;

/// <summary>
/// My kits, and kit registration. A registration is decided asynchronously by consumer-homekit-register:
/// the API answers 202 with the registration's Location, where the decision appears.
/// </summary>
public static class KitsApi
{
    public static RouteGroupBuilder MapKitsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/kits").WithTags("Kits");
        group.MapGet("/", ListAsync).WithName("ListKits")
            .WithSummary("List my kits: those registered to me and those shipped on my orders but not registered yet.");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetKit").WithSummary("Read one of my kits.");
        group.MapPost("/registrations", RegisterAsync).RequireRateLimiting(RateLimits.KitRegistration).WithName("RegisterKit")
            .WithSummary("Register a kit to me (202; poll the Location for the decision).");
        group.MapGet("/registrations", ListRegistrationsAsync).WithName("ListKitRegistrations").WithSummary("List my kit registrations, newest first.");
        group.MapGet("/registrations/{id:guid}", GetRegistrationAsync).WithName("GetKitRegistration")
            .WithSummary("Read a kit registration: pending, then accepted or rejected with a reason.");
        return group;
    }

    static IQueryable<Kit> Mine(DtcDbContext db, Guid me) =>
        db.Kits.AsNoTracking().Where(k => k.CustomerId == me || (k.CustomerId == null && db.Orders.Any(o => o.Id == k.OrderId && o.CustomerId == me)));

    static async Task<Results<Ok<Page<KitResponse>>, ValidationProblem>> ListAsync(
        ClaimsPrincipal user, DtcDbContext db, string? cursor, int? limit, CancellationToken ct)
    {
        var errors = Cursor.Check(cursor, limit, out var after, out var take);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var query = Mine(db, user.PatientId());
        if (after is { } c) query = query.Where(k => EF.Functions.LessThan(ValueTuple.Create(k.ShippedAt, k.Id), ValueTuple.Create(c.At, c.Id)));
        var rows = await query.OrderByDescending(k => k.ShippedAt).ThenByDescending(k => k.Id).Take(take + 1).Select(KitResponse.Projection).ToListAsync(ct);
        return TypedResults.Ok(Cursor.PageOf(rows, take, k => new Cursor(k.ShippedAt, k.Id)));
    }

    static async Task<Results<Ok<KitResponse>, NotFound>> GetAsync(Guid id, ClaimsPrincipal user, DtcDbContext db, CancellationToken ct) =>
        await Mine(db, user.PatientId()).Where(k => k.Id == id).Select(KitResponse.Projection).SingleOrDefaultAsync(ct) is { } kit
            ? TypedResults.Ok(kit)
            : TypedResults.NotFound();

    /// <summary>The patient's newest pending registration of a barcode; compiled once, as the hot path of a registration.</summary>
    static readonly Func<DtcDbContext, Guid, string, CancellationToken, Task<KitRegistrationResponse?>> pendingRegistration = EF.CompileAsyncQuery(
        (DtcDbContext db, Guid me, string barcode, CancellationToken ct) => db.KitRegistrations.AsNoTracking()
            .Where(r => r.CustomerId == me && r.Barcode == barcode && r.Status == RegistrationStatus.Pending)
            .OrderByDescending(r => r.RequestedAt).Select(KitRegistrationResponse.Projection).FirstOrDefault());

    static async Task<Accepted<KitRegistrationResponse>> RegisterAsync(
        RegisterKitRequest request, ClaimsPrincipal user, DtcDbContext db, Auditor audit, TimeProvider clock, CancellationToken ct)
    {
        var me = user.PatientId();
        var barcode = KitBarcode.Normalize(request.Barcode);
        var collectedAt = request.CollectedAt!.Value.ToStored();
        // A double tap or a retry while the first request is pending points to that request.
        var pending = await pendingRegistration(db, me, barcode, ct);
        if (pending is not null && pending.ConsentToResearch == request.ConsentToResearch
            && Math.Abs((pending.CollectedAt - collectedAt).Ticks) < TimeSpan.TicksPerMillisecond)
        {
            return TypedResults.Accepted(Location(pending.Id), pending);
        }

        var registration = new KitRegistration
        {
            Id = Guid.CreateVersion7(),
            CustomerId = me,
            Barcode = barcode,
            CollectedAt = collectedAt,
            ConsentToTesting = true,
            ConsentToResearch = request.ConsentToResearch,
            Status = RegistrationStatus.Pending,
            RequestedAt = clock.Now(),
        };
        db.KitRegistrations.Add(registration);
        audit.Record(AuditActions.KitRegistrationCreate, me, AuditActions.KitRegistration, registration.Id);
        db.Publish(new KitRegistrationRequested(registration.Id, me, barcode, collectedAt, true, request.ConsentToResearch, registration.RequestedAt));
        await db.SaveChangesAsync(ct);
        return TypedResults.Accepted(Location(registration.Id), KitRegistrationResponse.From(registration));
    }

    static async Task<Results<Ok<Page<KitRegistrationResponse>>, ValidationProblem>> ListRegistrationsAsync(
        ClaimsPrincipal user, DtcDbContext db, string? cursor, int? limit, CancellationToken ct)
    {
        var errors = Cursor.Check(cursor, limit, out var after, out var take);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var me = user.PatientId();
        var query = db.KitRegistrations.AsNoTracking().Where(r => r.CustomerId == me);
        if (after is { } c) query = query.Where(r => EF.Functions.LessThan(ValueTuple.Create(r.RequestedAt, r.Id), ValueTuple.Create(c.At, c.Id)));
        var rows = await query.OrderByDescending(r => r.RequestedAt).ThenByDescending(r => r.Id).Take(take + 1)
            .Select(KitRegistrationResponse.Projection).ToListAsync(ct);
        return TypedResults.Ok(Cursor.PageOf(rows, take, r => new Cursor(r.RequestedAt, r.Id)));
    }

    static async Task<Results<Ok<KitRegistrationResponse>, NotFound>> GetRegistrationAsync(
        Guid id, ClaimsPrincipal user, HttpContext http, DtcDbContext db, CancellationToken ct)
    {
        var me = user.PatientId();
        var registration = await db.KitRegistrations.AsNoTracking().Where(r => r.Id == id && r.CustomerId == me)
            .Select(KitRegistrationResponse.Projection).SingleOrDefaultAsync(ct);
        if (registration is null) return TypedResults.NotFound();
        // Decisions usually take a second or two: a hint for clients that poll.
        if (registration.Status == RegistrationStatus.Pending) http.Response.Headers.RetryAfter = "2";
        return TypedResults.Ok(registration);
    }

    static string Location(Guid registrationId) => $"/api/v1/kits/registrations/{registrationId}";
}
