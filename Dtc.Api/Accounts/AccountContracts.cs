using System.ComponentModel.DataAnnotations;
using Dtc.Api.Http;

namespace Dtc.Api.Accounts;

public sealed record RegisterRequest(
    [Required, EmailAddress, MaxLength(256)] string Email,
    [Required, MaxLength(128)] string Password,
    [Required, MaxLength(100)] string GivenName,
    [Required, MaxLength(100)] string FamilyName,
    [Required] DateOnly? DateOfBirth) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (DateOfBirth > ValidationClock.Today(context) || DateOfBirth < new DateOnly(1900, 1, 1))
        {
            yield return new ValidationResult("The date of birth must be a past date after 1900.", [nameof(DateOfBirth)]);
        }
    }
}

public sealed record RegisteredResponse(Guid CustomerId, string Email, bool EmailConfirmationSent);

public sealed record LogInRequest([Required, MaxLength(256)] string Email, [Required, MaxLength(128)] string Password);

public sealed record RefreshRequest([Required, MaxLength(128)] string RefreshToken);

public sealed record ConfirmEmailRequest([Required] Guid? UserId, [Required, MaxLength(2048)] string Code);

public sealed record EmailRequest([Required, EmailAddress, MaxLength(256)] string Email);

public sealed record ChangePasswordRequest([Required, MaxLength(128)] string CurrentPassword, [Required, MaxLength(128)] string NewPassword);

public sealed record ResetPasswordRequest([Required] Guid? UserId, [Required, MaxLength(2048)] string Code, [Required, MaxLength(128)] string NewPassword);
