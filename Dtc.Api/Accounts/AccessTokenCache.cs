using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;

namespace Dtc.Api.Accounts;

/// <summary>
/// The tickets of access tokens this replica has already read, until each token expires. Every authenticated
/// request reads its token: Data Protection's HMAC and AES, then the ticket's deserialisation, about a sixth
/// of a replica's CPU on the results list. A token is immutable, so the same string always reads to the same
/// ticket: a cached one is returned as a copy, and the bearer handler still checks its expiry on every request.
/// </summary>
/// <remarks>
/// Only tokens that read successfully are kept (a forged or tampered one costs its full check every time), keyed
/// by the whole token, at most <c>capacity</c> of them: beyond that a token is read as if uncached. A token read
/// before its Data Protection key was revoked stays accepted here until it expires (15 minutes at most,
/// <see cref="AccountOptions.AccessTokenLifetime"/>), as it would be on a replica whose key ring is not yet refreshed.
/// </remarks>
internal sealed class AccessTokenCache(int capacity) : IDisposable
{
    /// <summary>Tokens kept per replica, about 2 KB each.</summary>
    public const int DefaultCapacity = 20_000;

    readonly MemoryCache _tickets = new(new MemoryCacheOptions { SizeLimit = capacity, TrackStatistics = true });

    /// <summary>Tokens held now.</summary>
    public int Count => _tickets.Count;

    /// <summary>Reads answered from the cache since start.</summary>
    public long Hits => _tickets.GetCurrentStatistics()!.TotalHits;

    /// <summary>The bearer handler's token format, with this cache in front of its reads.</summary>
    public ISecureDataFormat<AuthenticationTicket> Over(ISecureDataFormat<AuthenticationTicket> format) => new CachedFormat(this, format);

    AuthenticationTicket? Read(ISecureDataFormat<AuthenticationTicket> format, string token)
    {
        if (_tickets.TryGetValue(token, out AuthenticationTicket? cached)) return cached!.Clone();

        var ticket = format.Unprotect(token);
        if (ticket?.Properties.ExpiresUtc is { } expires)
        {
            using var entry = _tickets.CreateEntry(token);
            entry.Value = ticket.Clone(); // the caller's copy is its own to change
            entry.Size = 1;
            entry.AbsoluteExpiration = expires;
        }
        return ticket;
    }

    public void Dispose() => _tickets.Dispose();

    sealed class CachedFormat(AccessTokenCache cache, ISecureDataFormat<AuthenticationTicket> format) : ISecureDataFormat<AuthenticationTicket>
    {
        public string Protect(AuthenticationTicket data) => format.Protect(data);

        public string Protect(AuthenticationTicket data, string? purpose) => format.Protect(data, purpose);

        public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

        public AuthenticationTicket? Unprotect(string? protectedText, string? purpose) =>
            protectedText is null || purpose is not null ? format.Unprotect(protectedText, purpose) : cache.Read(format, protectedText);
    }
}
