using System.ComponentModel.DataAnnotations;
using System.Linq.Expressions;
using Dtc.Api.Http;
using Dtc.Data.Kits;

namespace Dtc.Api.Kits;

public sealed record KitResponse(
    Guid Id, string Barcode, string? ProductCode, string Status, DateOnly ExpiresOn, DateTimeOffset ShippedAt, DateTimeOffset? RegisteredAt,
    DateTimeOffset? CollectedAt, DateTimeOffset? ReceivedAt, DateTimeOffset? ResultedAt, string? RejectionReason)
{
    public static readonly Expression<Func<Kit, KitResponse>> Projection = k => new KitResponse(
        k.Id, k.Barcode, k.ProductCode, k.Status, k.ExpiresOn, k.ShippedAt, k.RegisteredAt, k.CollectedAt, k.ReceivedAt, k.ResultedAt, k.RejectionReason);
}

/// <summary>
/// A kit registration: the barcode as printed (spaces and dashes allowed), when the sample was collected
/// (not in the future), consent to testing (required) and to research (optional).
/// </summary>
public sealed record RegisterKitRequest(
    [Required, MaxLength(32)] string Barcode,
    [Required] DateTimeOffset? CollectedAt,
    [Required] bool? ConsentToTesting,
    bool ConsentToResearch = false) : IValidatableObject
{
    /// <summary>Phones' clocks run a little ahead; the registration consumer allows the same.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (Barcode is not null && !KitBarcode.IsValid(KitBarcode.Normalize(Barcode)))
        {
            yield return new ValidationResult("The barcode is 11 digits as printed on the tube; check it for a typing mistake.", [nameof(Barcode)]);
        }
        if (CollectedAt > ValidationClock.Now(context) + ClockSkew)
        {
            yield return new ValidationResult("The collection time cannot be in the future.", [nameof(CollectedAt)]);
        }
        if (ConsentToTesting == false)
        {
            yield return new ValidationResult("Consent to testing is required to register a kit.", [nameof(ConsentToTesting)]);
        }
    }
}

/// <summary>A registration request and, once the registration consumer decided, its outcome.</summary>
public sealed record KitRegistrationResponse(
    Guid Id, string Barcode, string Status, string? ReasonCode, string? Reason, DateTimeOffset CollectedAt, bool ConsentToTesting,
    bool ConsentToResearch, DateTimeOffset RequestedAt, DateTimeOffset? DecidedAt, Guid? KitId)
{
    public static readonly Expression<Func<KitRegistration, KitRegistrationResponse>> Projection = r => new KitRegistrationResponse(
        r.Id, r.Barcode, r.Status, r.ReasonCode, r.ReasonText, r.CollectedAt, r.ConsentToTesting, r.ConsentToResearch, r.RequestedAt, r.DecidedAt, r.KitId);

    static readonly Func<KitRegistration, KitRegistrationResponse> map = Projection.Compile();

    public static KitRegistrationResponse From(KitRegistration r) => map(r);
}
