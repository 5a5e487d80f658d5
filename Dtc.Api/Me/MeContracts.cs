using System.ComponentModel.DataAnnotations;
using Dtc.Api.Http;
using Dtc.Data.Customers;
using Dtc.Messaging.Contracts;

namespace Dtc.Api.Me;

public sealed record AddressDto(
    [Required, MaxLength(200)] string Line1,
    [MaxLength(200)] string? Line2,
    [Required, MaxLength(100)] string City,
    [MaxLength(100)] string? Region,
    [Required, MaxLength(20)] string PostalCode,
    [Required, RegularExpression("^[A-Z]{2}$", ErrorMessage = "Use the two-letter ISO 3166-1 country code, e.g. US.")] string Country)
{
    public static AddressDto? From(Address? a) => a is null ? null : new(a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country);

    public Address ToEntity() => new() { Line1 = Line1.Trim(), Line2 = Line2?.Trim(), City = City.Trim(), Region = Region?.Trim(), PostalCode = PostalCode.Trim(), Country = Country };

    public static AddressData? ToMessage(Address? a) => a is null ? null : new(a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country);
}

public sealed record ProfileResponse(
    Guid Id, string PatientNumber, string Email, bool EmailVerified, string GivenName, string FamilyName, DateOnly? DateOfBirth,
    string? Phone, AddressDto? ShippingAddress, string TimeZone, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? ClosureRequestedAt)
{
    public static ProfileResponse From(Customer c) => new(
        c.Id, c.PatientNumber, c.Email, c.EmailVerified, c.GivenName, c.FamilyName, c.DateOfBirth, c.Phone,
        AddressDto.From(c.ShippingAddress), c.TimeZone, c.Version, c.CreatedAt, c.UpdatedAt, c.ClosureRequestedAt);
}

/// <summary>The whole editable profile; <see cref="Version"/> is the one last read (a stale one answers 409).</summary>
public sealed record UpdateProfileRequest(
    [Required, MaxLength(100)] string GivenName,
    [Required, MaxLength(100)] string FamilyName,
    [Required] DateOnly? DateOfBirth,
    [RegularExpression(@"^\+[1-9][0-9]{6,14}$", ErrorMessage = "Use the E.164 format, e.g. +14155550123.")] string? Phone,
    AddressDto? ShippingAddress,
    [Required, MaxLength(64)] string TimeZone,
    [Required] long? Version) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (DateOfBirth > ValidationClock.Today(context) || DateOfBirth < new DateOnly(1900, 1, 1))
        {
            yield return new ValidationResult("The date of birth must be a past date after 1900.", [nameof(DateOfBirth)]);
        }
        if (!string.IsNullOrEmpty(TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return new ValidationResult("Use an IANA time zone, e.g. America/New_York.", [nameof(TimeZone)]);
        }
    }
}

public sealed record PreferencesResponse(bool ResultsByEmail, bool ResultsBySms, bool Marketing, int QuietHoursStart, int QuietHoursEnd, long Version)
{
    public static PreferencesResponse From(Customer c) => new(
        c.Preferences.ResultsByEmail, c.Preferences.ResultsBySms, c.Preferences.Marketing, c.Preferences.QuietHoursStart, c.Preferences.QuietHoursEnd, c.Version);
}

/// <summary>Notification preferences; quiet hours are local hours (0–23) during which no SMS is sent.</summary>
public sealed record UpdatePreferencesRequest(
    [Required] bool? ResultsByEmail,
    [Required] bool? ResultsBySms,
    [Required] bool? Marketing,
    [Range(0, 23)] int? QuietHoursStart,
    [Range(0, 23)] int? QuietHoursEnd);

public sealed record ClosureResponse(DateTimeOffset ClosureRequestedAt);
