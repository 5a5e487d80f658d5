using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Dtc.Api.Http;
using Dtc.Data;
using Dtc.Data.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dtc.Api.Accounts;

/// <summary>What log-in, refresh and change-password return.</summary>
public sealed record TokenResponse(string TokenType, string AccessToken, int ExpiresIn, string RefreshToken, DateTimeOffset RefreshTokenExpiresAt);

/// <summary>
/// A session is a family of refresh tokens started by one log-in. Refresh tokens are random, stored only as a
/// SHA-256 hash, and rotated on every use; presenting one that was already rotated means it was copied, so the
/// whole family is revoked (RFC 9700 §4.14.2). Access tokens are short-lived bearer tokens naming the patient and the session.
/// </summary>
public sealed class SessionTokens(DtcDbContext db, IOptionsMonitor<BearerTokenOptions> bearer, IOptions<AccountOptions> options, TimeProvider clock)
{
    /// <summary>Starts a session; the caller's SaveChanges stores its first refresh token.</summary>
    public TokenResponse Start(Guid userId) => Issue(userId, Guid.CreateVersion7());

    /// <summary>Exchanges a refresh token for a new pair, or null if it is unknown, expired, revoked or reused.</summary>
    public async Task<TokenResponse?> RotateAsync(string presented, CancellationToken ct)
    {
        var hash = Hash(presented);
        var token = await db.RefreshTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, ct);
        if (token is null) return null;
        var now = clock.Now();
        if (token.ReplacedById is not null)
        {
            await RevokeFamilyAsync(token.UserId, token.FamilyId, ct);
            return null;
        }
        if (token.RevokedAt is not null || token.ExpiresAt <= now) return null;
        if (await db.Customers.AnyAsync(c => c.Id == token.UserId && c.ClosedAt != null, ct)) return null;

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var response = Issue(token.UserId, token.FamilyId, out var next);
        // Only one of two concurrent uses of the same token wins; the loser is treated as reuse.
        var claimed = await db.RefreshTokens
            .Where(t => t.Id == token.Id && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now).SetProperty(t => t.ReplacedById, next.Id), ct);
        if (claimed == 0)
        {
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            await RevokeFamilyAsync(token.UserId, token.FamilyId, ct);
            return null;
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return response;
    }

    public Task<int> RevokeFamilyAsync(Guid userId, Guid familyId, CancellationToken ct) =>
        Active(userId).Where(t => t.FamilyId == familyId).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, clock.Now()), ct);

    /// <summary>Ends every session of the user (password changed or reset, log-out everywhere).</summary>
    public Task<int> RevokeAllAsync(Guid userId, CancellationToken ct) =>
        Active(userId).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, clock.Now()), ct);

    IQueryable<RefreshToken> Active(Guid userId) => db.RefreshTokens.Where(t => t.UserId == userId && t.RevokedAt == null);

    TokenResponse Issue(Guid userId, Guid familyId) => Issue(userId, familyId, out _);

    TokenResponse Issue(Guid userId, Guid familyId, out RefreshToken stored)
    {
        var now = clock.Now();
        var settings = options.Value;
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, userId.ToString()), new Claim(PatientClaims.Session, familyId.ToString())],
            BearerTokenDefaults.AuthenticationScheme);
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + settings.AccessTokenLifetime };
        var ticket = new AuthenticationTicket(new ClaimsPrincipal(identity), properties, $"{BearerTokenDefaults.AuthenticationScheme}:AccessToken");
        var accessToken = bearer.Get(BearerTokenDefaults.AuthenticationScheme).BearerTokenProtector.Protect(ticket);

        var refreshToken = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        stored = new RefreshToken
        {
            Id = Guid.CreateVersion7(),
            UserId = userId,
            FamilyId = familyId,
            TokenHash = Hash(refreshToken),
            CreatedAt = now,
            ExpiresAt = now + settings.RefreshTokenLifetime,
        };
        db.RefreshTokens.Add(stored);
        return new TokenResponse("Bearer", accessToken, (int)settings.AccessTokenLifetime.TotalSeconds, refreshToken, stored.ExpiresAt);
    }

    /// <summary>The refresh token has 256 random bits: a plain SHA-256 is enough (no salt or stretching needed).</summary>
    static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
