using Microsoft.AspNetCore.Identity;

namespace Dtc.Data.Accounts;

/// <summary>The sign-in account of a customer (same id).</summary>
public class DtcUser : IdentityUser<Guid>
{
}

/// <summary>A refresh token, stored by hash; rotated on every use.</summary>
public class RefreshToken
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required string TokenHash { get; set; }
    /// <summary>All tokens rotated from one log-in share a family; reuse of a rotated token revokes the family.</summary>
    public Guid FamilyId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public Guid? ReplacedById { get; set; }
}
