using System.Security.Claims;

namespace Dtc.Api.Http;

/// <summary>Who is calling. The access token names the patient; every query is filtered by this id, never by one from the request.</summary>
public static class PatientClaims
{
    /// <summary>The session (refresh-token family) an access token was issued for.</summary>
    public const string Session = "sid";

    public static Guid PatientId(this ClaimsPrincipal user) =>
        user.PatientIdOrNull() ?? throw new InvalidOperationException("The endpoint requires an authenticated patient.");

    public static Guid? PatientIdOrNull(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public static Guid? SessionId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(Session), out var id) ? id : null;
}
