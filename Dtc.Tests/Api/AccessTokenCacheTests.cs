using System.Security.Claims;
using Dtc.Api.Accounts;
using Microsoft.AspNetCore.Authentication;

namespace Dtc.Tests.Api;

/// <summary>The per-replica cache of read access tokens (<see cref="AccessTokenCache"/>), on a counting token format.</summary>
public sealed class AccessTokenCacheTests : IDisposable
{
    /// <summary>Reads the tokens it was given, counting each read.</summary>
    sealed class CountingFormat : ISecureDataFormat<AuthenticationTicket>
    {
        public Dictionary<string, AuthenticationTicket> Tickets { get; } = [];
        public Dictionary<string, int> Reads { get; } = [];

        public string Protect(AuthenticationTicket data) => throw new NotSupportedException();
        public string Protect(AuthenticationTicket data, string? purpose) => throw new NotSupportedException();
        public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

        public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
        {
            var key = protectedText ?? "";
            Reads[key] = Reads.GetValueOrDefault(key) + 1;
            return Tickets.TryGetValue(key, out var ticket) ? ticket.Clone() : null;
        }

        public string Add(Guid patient, DateTimeOffset expires)
        {
            var token = $"token-{Guid.NewGuid()}";
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, patient.ToString())], "BearerToken");
            Tickets[token] = new AuthenticationTicket(new ClaimsPrincipal(identity), new AuthenticationProperties { ExpiresUtc = expires }, "BearerToken");
            return token;
        }
    }

    // Whole seconds: AuthenticationProperties keeps its dates to the second.
    static readonly DateTimeOffset later = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(15).ToUnixTimeSeconds());

    // xUnit makes a new instance for each test: each test has a cache and a format of its own.
    readonly CountingFormat inner = new();
    readonly AccessTokenCache cache = new(100);
    readonly ISecureDataFormat<AuthenticationTicket> format;

    public AccessTokenCacheTests() => format = cache.Over(inner);

    public void Dispose() => cache.Dispose();

    [Fact]
    public void ATokenIsReadOnceAndThenServedFromTheCache()
    {
        var patient = Guid.NewGuid();
        var token = inner.Add(patient, later);

        var first = format.Unprotect(token);
        var second = format.Unprotect(token);
        var third = format.Unprotect(token);

        Assert.Equal(1, inner.Reads[token]);
        Assert.Equal(1, cache.Count);
        foreach (var ticket in new[] { first, second, third })
        {
            Assert.Equal(patient.ToString(), ticket!.Principal.FindFirstValue(ClaimTypes.NameIdentifier));
            Assert.Equal(later, ticket.Properties.ExpiresUtc);
        }
    }

    [Fact]
    public void EachCallerGetsATicketOfItsOwn()
    {
        var token = inner.Add(Guid.NewGuid(), later);

        var first = format.Unprotect(token)!;
        first.Principal.Identities.Single().AddClaim(new Claim(ClaimTypes.Role, "admin"));
        first.Properties.Items["changed"] = "by the first caller";
        var second = format.Unprotect(token)!;
        second.Principal.Identities.Single().AddClaim(new Claim(ClaimTypes.Role, "auditor"));
        var third = format.Unprotect(token)!;

        Assert.NotSame(first.Principal, second.Principal);
        Assert.False(third.Principal.HasClaim(c => c.Type == ClaimTypes.Role));
        Assert.False(third.Properties.Items.ContainsKey("changed"));
    }

    [Fact]
    public void AnUnreadableTokenIsCheckedEveryTimeAndNeverKept()
    {
        Assert.Null(format.Unprotect("forged"));
        Assert.Null(format.Unprotect("forged"));

        Assert.Equal(2, inner.Reads["forged"]);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void AnExpiredTicketIsNotKept()
    {
        var token = inner.Add(Guid.NewGuid(), DateTimeOffset.UtcNow.AddSeconds(-1));

        Assert.NotNull(format.Unprotect(token)); // the bearer handler refuses it by its expiry
        Assert.NotNull(format.Unprotect(token));

        Assert.Equal(2, inner.Reads[token]);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void AReadWithAPurposeBypassesTheCache()
    {
        var token = inner.Add(Guid.NewGuid(), later);

        format.Unprotect(token, "another purpose");
        format.Unprotect(token, "another purpose");

        Assert.Equal(2, inner.Reads[token]);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void NoMoreTokensThanTheCapacityAreKept()
    {
        using var small = new AccessTokenCache(2);
        var bounded = small.Over(inner);
        var tokens = Enumerable.Range(0, 3).Select(_ => inner.Add(Guid.NewGuid(), later)).ToList();

        foreach (var token in tokens) Assert.NotNull(bounded.Unprotect(token));
        foreach (var token in tokens) Assert.NotNull(bounded.Unprotect(token));

        Assert.Equal(2, small.Count);
        Assert.Equal([1, 1, 2], tokens.Select(t => inner.Reads[t]));
    }
}
