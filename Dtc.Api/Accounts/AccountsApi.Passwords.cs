using System.Security.Claims;
using Dtc.Api.Http;
using Dtc.Data;
using Dtc.Data.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Api.Accounts;

/// <summary>Email confirmation and passwords. Codes come by email (a job through the outbox) and are valid on every replica.</summary>
public static partial class AccountsApi
{
    static void MapPasswordEndpoints(RouteGroupBuilder group)
    {
        group.MapPost("/confirm-email", ConfirmEmailAsync).AllowAnonymous().RequireRateLimiting(RateLimits.PasswordReset)
            .WithName("ConfirmEmail").WithSummary("Confirm the email address with the code from the confirmation email.");
        group.MapPost("/confirm-email/resend", ResendConfirmationAsync).AllowAnonymous().RequireRateLimiting(RateLimits.PasswordReset)
            .WithName("ResendConfirmation").WithSummary("Send the confirmation email again (answers 202 whether or not the account exists).");
        group.MapPost("/change-password", ChangePasswordAsync).RequireRateLimiting(RateLimits.PasswordReset)
            .WithName("ChangePassword").WithSummary("Change the password; every other session ends and this one gets new tokens.");
        group.MapPost("/forgot-password", ForgotPasswordAsync).AllowAnonymous().RequireRateLimiting(RateLimits.PasswordReset)
            .WithName("ForgotPassword").WithSummary("Email a password-reset link (answers 202 whether or not the account exists).");
        group.MapPost("/reset-password", ResetPasswordAsync).AllowAnonymous().RequireRateLimiting(RateLimits.PasswordReset)
            .WithName("ResetPassword").WithSummary("Set a new password with the code from the reset email; unlocks the account and ends every session.");
    }

    static async Task<Results<NoContent, ValidationProblem>> ConfirmEmailAsync(
        ConfirmEmailRequest request, UserManager<DtcUser> users, DtcDbContext db, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(request.UserId!.Value.ToString());
        var token = AccountEmails.Decode(request.Code);
        if (user is null || token is null) return InvalidCode();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var confirmed = await users.ConfirmEmailAsync(user, token);
        if (!confirmed.Succeeded) return InvalidCode();
        await db.Customers.Where(c => c.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.EmailVerified, true), ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    static async Task<Accepted> ResendConfirmationAsync(
        EmailRequest request, UserManager<DtcUser> users, AccountEmails emails, DtcDbContext db, CancellationToken ct)
    {
        if (await users.FindByEmailAsync(request.Email.Trim()) is { EmailConfirmed: false } user)
        {
            emails.ConfirmEmail(user, await users.GenerateEmailConfirmationTokenAsync(user));
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Accepted((string?)null);
    }

    static async Task<Results<Ok<TokenResponse>, ValidationProblem, NotFound>> ChangePasswordAsync(
        ChangePasswordRequest request, ClaimsPrincipal principal, UserManager<DtcUser> users, SessionTokens sessions,
        AccountEmails emails, DtcDbContext db, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(principal.PatientId().ToString());
        if (user is null) return TypedResults.NotFound();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var changed = await users.ChangePasswordAsync(user, request.CurrentPassword, request.NewPassword);
        if (!changed.Succeeded) return TypedResults.ValidationProblem(IdentityErrors(changed, passwordField: "newPassword"));
        await sessions.RevokeAllAsync(user.Id, ct);
        var tokens = sessions.Start(user.Id);
        emails.PasswordChanged(user);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(tokens);
    }

    static async Task<Accepted> ForgotPasswordAsync(
        EmailRequest request, UserManager<DtcUser> users, AccountEmails emails, DtcDbContext db, CancellationToken ct)
    {
        // An unconfirmed address never proved it belongs to the account holder: it gets no reset link.
        if (await users.FindByEmailAsync(request.Email.Trim()) is { EmailConfirmed: true } user)
        {
            emails.ResetPassword(user, await users.GeneratePasswordResetTokenAsync(user));
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Accepted((string?)null);
    }

    static async Task<Results<NoContent, ValidationProblem>> ResetPasswordAsync(
        ResetPasswordRequest request, UserManager<DtcUser> users, SessionTokens sessions, AccountEmails emails, DtcDbContext db, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(request.UserId!.Value.ToString());
        var token = AccountEmails.Decode(request.Code);
        if (user is null || token is null) return InvalidCode();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var reset = await users.ResetPasswordAsync(user, token, request.NewPassword);
        if (!reset.Succeeded) return TypedResults.ValidationProblem(IdentityErrors(reset, passwordField: "newPassword"));
        // Whoever reset it owns the mailbox: the lockout that a guesser caused ends, and so do all sessions.
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        await sessions.RevokeAllAsync(user.Id, ct);
        emails.PasswordChanged(user);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    static ValidationProblem InvalidCode() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["code"] = ["The code is invalid or has expired."] });
}
