using System.Security.Claims;
using Dtc.Api.Http;
using Dtc.Data;
using Dtc.Data.Accounts;
using Dtc.Data.Customers;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Outbox;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Api.Accounts;

/// <summary>Sign-up, log-in, sessions and passwords. Only log-out and change-password need a token.</summary>
public static partial class AccountsApi
{
    public static RouteGroupBuilder MapAccountsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/accounts").WithTags("Accounts");
        group.MapPost("/register", RegisterAsync).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn)
            .WithName("Register").WithSummary("Create a patient account; a confirmation email is sent.");
        group.MapPost("/login", LogInAsync).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn)
            .WithName("LogIn").WithSummary("Exchange email and password for an access token and a refresh token.");
        group.MapPost("/refresh", RefreshAsync).AllowAnonymous()
            .WithName("Refresh").WithSummary("Exchange a refresh token for a new pair; the old one stops working.");
        group.MapPost("/logout", LogOutAsync)
            .WithName("LogOut").WithSummary("End this session (or every session with allDevices=true).");
        MapPasswordEndpoints(group);
        return group;
    }

    static async Task<Results<Created<RegisteredResponse>, ValidationProblem>> RegisterAsync(
        RegisterRequest request, UserManager<DtcUser> users, AccountEmails emails, DtcDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var email = request.Email.Trim();
        var user = new DtcUser { Id = Guid.CreateVersion7(), UserName = email, Email = email };
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        IdentityResult created;
        try
        {
            created = await users.CreateAsync(user, request.Password);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            created = IdentityResult.Failed(users.ErrorDescriber.DuplicateEmail(email));
        }
        if (!created.Succeeded) return TypedResults.ValidationProblem(IdentityErrors(created, passwordField: "password"));

        var now = clock.Now();
        var customer = new Customer
        {
            Id = user.Id,
            PatientNumber = PatientNumbers.New(),
            Email = email,
            GivenName = request.GivenName.Trim(),
            FamilyName = request.FamilyName.Trim(),
            DateOfBirth = request.DateOfBirth,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        db.Customers.Add(customer);
        db.Publish(new CustomerRegistered(customer.Id, customer.Email, customer.GivenName, customer.FamilyName, customer.DateOfBirth, customer.Version));
        emails.ConfirmEmail(user, await users.GenerateEmailConfirmationTokenAsync(user));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created("/api/v1/me", new RegisteredResponse(customer.Id, customer.Email, EmailConfirmationSent: true));
    }

    static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> LogInAsync(
        LogInRequest request, UserManager<DtcUser> users, IPasswordHasher<DtcUser> hasher, SessionTokens sessions, DtcDbContext db, CancellationToken ct)
    {
        var user = await users.FindByEmailAsync(request.Email.Trim());
        if (user is null)
        {
            // As slow as a wrong password, so timing does not tell which emails have accounts.
            hasher.VerifyHashedPassword(new DtcUser(), UnknownUserHash.Get(hasher), request.Password);
            return InvalidCredentials();
        }
        if (await users.IsLockedOutAsync(user)) return LockedOut();
        if (!await users.CheckPasswordAsync(user, request.Password))
        {
            await users.AccessFailedAsync(user);
            return await users.IsLockedOutAsync(user) ? LockedOut() : InvalidCredentials();
        }
        if (await users.GetAccessFailedCountAsync(user) > 0) await users.ResetAccessFailedCountAsync(user);
        if (!user.EmailConfirmed)
        {
            return Problem(StatusCodes.Status403Forbidden, "Email not confirmed", "email-not-confirmed",
                "Follow the link in the confirmation email first; POST /api/v1/accounts/confirm-email/resend sends another.");
        }
        if (await db.Customers.AnyAsync(c => c.Id == user.Id && c.ClosedAt != null, ct)) return InvalidCredentials();
        var tokens = sessions.Start(user.Id);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(tokens);
    }

    static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RefreshAsync(RefreshRequest request, SessionTokens sessions, CancellationToken ct) =>
        await sessions.RotateAsync(request.RefreshToken, ct) is { } tokens
            ? TypedResults.Ok(tokens)
            : Problem(StatusCodes.Status401Unauthorized, "Invalid refresh token", "invalid-refresh-token", "Log in again.");

    static async Task<NoContent> LogOutAsync(ClaimsPrincipal user, SessionTokens sessions, bool? allDevices, CancellationToken ct)
    {
        var patient = user.PatientId();
        if (allDevices == true) await sessions.RevokeAllAsync(patient, ct);
        else if (user.SessionId() is { } session) await sessions.RevokeFamilyAsync(patient, session, ct);
        return TypedResults.NoContent();
    }

    static ProblemHttpResult InvalidCredentials() =>
        Problem(StatusCodes.Status401Unauthorized, "Invalid email or password", "invalid-credentials");

    static ProblemHttpResult LockedOut() =>
        Problem(StatusCodes.Status403Forbidden, "Account locked", "account-locked",
            "Too many failed log-ins: try again later, or reset the password.");

    /// <summary>A problem with a stable machine-readable <c>code</c> the app can switch on.</summary>
    static ProblemHttpResult Problem(int status, string title, string code, string? detail = null) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: new Dictionary<string, object?> { ["code"] = code });

    /// <summary>Identity's errors, keyed by the request field they are about.</summary>
    static Dictionary<string, string[]> IdentityErrors(IdentityResult result, string passwordField) =>
        result.Errors
            .Where(e => !e.Code.EndsWith("UserName", StringComparison.Ordinal)) // the user name is the email: its errors repeat
            .GroupBy(e => e.Code switch
            {
                "PasswordMismatch" => "currentPassword",
                "InvalidToken" => "code",
                _ when e.Code.StartsWith("Password", StringComparison.Ordinal) => passwordField,
                _ when e.Code.Contains("Email", StringComparison.Ordinal) => "email",
                _ => "request",
            })
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());

    static class UnknownUserHash
    {
        static string? hash;
        public static string Get(IPasswordHasher<DtcUser> hasher) => hash ??= hasher.HashPassword(new DtcUser(), Guid.NewGuid().ToString());
    }
}

public static class PatientNumbers
{
    /// <summary>The identifier the lab sees (PID-3): "PAT-" and 10 random digits, no personal data in it.</summary>
    public static string New() => "PAT-" + System.Security.Cryptography.RandomNumberGenerator.GetInt32(0, int.MaxValue).ToString("D10", System.Globalization.CultureInfo.InvariantCulture);
}
