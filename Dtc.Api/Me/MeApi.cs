using System.Security.Claims;
using Dtc.Api.Audit;
using Dtc.Api.Http;
using Dtc.Data;
using Dtc.Data.Customers;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Outbox;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Api.Me;

/// <summary>The signed-in patient: profile, notification preferences, account closure. Every read and change is audited.</summary>
public static class MeApi
{
    public static RouteGroupBuilder MapMeApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/me").WithTags("Me");
        group.MapGet("/", GetProfileAsync).WithName("GetProfile").WithSummary("Read my profile.");
        group.MapPut("/", UpdateProfileAsync).WithName("UpdateProfile").WithSummary("Replace my profile; send the version last read.");
        group.MapGet("/preferences", GetPreferencesAsync).WithName("GetPreferences").WithSummary("Read my notification preferences.");
        group.MapPut("/preferences", UpdatePreferencesAsync).WithName("UpdatePreferences").WithSummary("Replace my notification preferences.");
        group.MapPost("/closure", RequestClosureAsync).WithName("RequestClosure")
            .WithSummary("Ask for my account to be closed (202: support processes it; asking again changes nothing).");
        return group;
    }

    static async Task<Results<Ok<ProfileResponse>, NotFound>> GetProfileAsync(ClaimsPrincipal user, DtcDbContext db, Auditor audit, CancellationToken ct)
    {
        var id = user.PatientId();
        var customer = await audit.ReadAsync(AuditActions.ProfileRead, id, AuditActions.Customer, id,
            ct => db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct), ct);
        return customer is null ? TypedResults.NotFound() : TypedResults.Ok(ProfileResponse.From(customer));
    }

    static async Task<Results<Ok<ProfileResponse>, NotFound, ProblemHttpResult>> UpdateProfileAsync(
        UpdateProfileRequest request, ClaimsPrincipal user, DtcDbContext db, Auditor audit, TimeProvider clock, CancellationToken ct)
    {
        var id = user.PatientId();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var customer = await LockAsync(db, id, ct);
        if (customer is null) return TypedResults.NotFound();
        if (customer.Version != request.Version) return StaleVersion(customer.Version);

        customer.GivenName = request.GivenName.Trim();
        customer.FamilyName = request.FamilyName.Trim();
        customer.DateOfBirth = request.DateOfBirth;
        customer.Phone = string.IsNullOrEmpty(request.Phone) ? null : request.Phone;
        customer.ShippingAddress = request.ShippingAddress?.ToEntity();
        customer.TimeZone = request.TimeZone;
        customer.Version++;
        customer.UpdatedAt = clock.Now();
        audit.Record(AuditActions.ProfileUpdate, id, AuditActions.Customer, id);
        db.Publish(new CustomerProfileUpdated(customer.Id, customer.Version, customer.GivenName, customer.FamilyName, customer.DateOfBirth,
            customer.Phone, AddressDto.ToMessage(customer.ShippingAddress), customer.TimeZone));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(ProfileResponse.From(customer));
    }

    static async Task<Results<Ok<PreferencesResponse>, NotFound>> GetPreferencesAsync(ClaimsPrincipal user, DtcDbContext db, Auditor audit, CancellationToken ct)
    {
        var id = user.PatientId();
        var customer = await audit.ReadAsync(AuditActions.PreferencesRead, id, AuditActions.Customer, id,
            ct => db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct), ct);
        return customer is null ? TypedResults.NotFound() : TypedResults.Ok(PreferencesResponse.From(customer));
    }

    static async Task<Results<Ok<PreferencesResponse>, NotFound, ValidationProblem>> UpdatePreferencesAsync(
        UpdatePreferencesRequest request, ClaimsPrincipal user, DtcDbContext db, Auditor audit, TimeProvider clock, CancellationToken ct)
    {
        var id = user.PatientId();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var customer = await LockAsync(db, id, ct);
        if (customer is null) return TypedResults.NotFound();
        if (request.ResultsBySms == true && customer.Phone is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["resultsBySms"] = ["Add a phone number to the profile first."] });
        }
        customer.Preferences = new NotificationPreferences
        {
            ResultsByEmail = request.ResultsByEmail!.Value,
            ResultsBySms = request.ResultsBySms!.Value,
            Marketing = request.Marketing!.Value,
            QuietHoursStart = request.QuietHoursStart ?? customer.Preferences.QuietHoursStart,
            QuietHoursEnd = request.QuietHoursEnd ?? customer.Preferences.QuietHoursEnd,
        };
        customer.Version++;
        customer.UpdatedAt = clock.Now();
        audit.Record(AuditActions.PreferencesUpdate, id, AuditActions.Customer, id);
        db.Publish(new CustomerPreferencesChanged(id, customer.Version, customer.Preferences.ResultsByEmail,
            customer.Preferences.ResultsBySms, customer.Preferences.Marketing));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(PreferencesResponse.From(customer));
    }

    static async Task<Results<Accepted<ClosureResponse>, NotFound>> RequestClosureAsync(
        ClaimsPrincipal user, DtcDbContext db, Auditor audit, TimeProvider clock, CancellationToken ct)
    {
        var id = user.PatientId();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var customer = await LockAsync(db, id, ct);
        if (customer is null) return TypedResults.NotFound();
        if (customer.ClosureRequestedAt is null)
        {
            customer.ClosureRequestedAt = clock.Now();
            customer.UpdatedAt = customer.ClosureRequestedAt.Value;
            audit.Record(AuditActions.ClosureRequest, id, AuditActions.Customer, id);
            db.Publish(new CustomerClosureRequested(id, customer.ClosureRequestedAt.Value));
            await db.SaveChangesAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Accepted("/api/v1/me", new ClosureResponse(customer.ClosureRequestedAt.Value));
    }

    /// <summary>The customer row, locked until the transaction ends: concurrent updates queue instead of overwriting each other.</summary>
    static Task<Customer?> LockAsync(DtcDbContext db, Guid id, CancellationToken ct) =>
        db.Customers.FromSql($"select * from customers where id = {id} for update").SingleOrDefaultAsync(ct);

    static ProblemHttpResult StaleVersion(long current) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict, title: "The profile changed since it was read",
        detail: "Read it again and reapply the change.",
        extensions: new Dictionary<string, object?> { ["code"] = "stale-version", ["currentVersion"] = current });
}
