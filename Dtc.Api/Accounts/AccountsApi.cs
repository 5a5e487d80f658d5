using Dtc.Data;
using Dtc.Data.Accounts;
using Dtc.Data.Customers;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Outbox;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Dtc.Api.Accounts;

public sealed record RegisterRequest(string Email, string Password, string GivenName, string FamilyName, DateOnly? DateOfBirth);

public sealed record RegisteredResponse(Guid CustomerId, string Email);

public static class AccountsApi
{
    public static IHostApplicationBuilder AddAccounts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddIdentityCore<DtcUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
            })
            .AddEntityFrameworkStores<DtcDbContext>();
        return builder;
    }

    public static RouteGroupBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/accounts").WithTags("Accounts");
        group.MapPost("/register", RegisterAsync).WithName("Register").WithSummary("Create a patient account.");
        return group;
    }

    static async Task<Results<Created<RegisteredResponse>, ValidationProblem>> RegisterAsync(
        RegisterRequest request, UserManager<DtcUser> users, DtcDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var user = new DtcUser { Id = Guid.CreateVersion7(), UserName = request.Email, Email = request.Email };
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var created = await users.CreateAsync(user, request.Password);
        if (!created.Succeeded)
        {
            return TypedResults.ValidationProblem(created.Errors.GroupBy(e => e.Code.Contains("Password") ? "password" : "email")
                .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray()));
        }
        var now = clock.GetUtcNow();
        var customer = new Customer
        {
            Id = user.Id,
            PatientNumber = PatientNumbers.New(),
            Email = request.Email,
            GivenName = request.GivenName,
            FamilyName = request.FamilyName,
            DateOfBirth = request.DateOfBirth,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        db.Customers.Add(customer);
        db.Publish(new CustomerRegistered(customer.Id, customer.Email, customer.GivenName, customer.FamilyName, customer.DateOfBirth, customer.Version));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/me", new RegisteredResponse(customer.Id, customer.Email));
    }
}

public static class PatientNumbers
{
    /// <summary>The identifier the lab sees (PID-3): "PAT-" and 10 random digits, no personal data in it.</summary>
    public static string New() => "PAT-" + System.Security.Cryptography.RandomNumberGenerator.GetInt32(0, int.MaxValue).ToString("D10");
}
