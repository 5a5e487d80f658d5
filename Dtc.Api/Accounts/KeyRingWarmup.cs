using Dtc.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Api.Accounts;

/// <summary>
/// Loads the Data Protection key ring before the first request. On a fresh database the replicas starting
/// together would each create a first key; under an advisory lock the first creates it and the others read it,
/// so a token one replica issues is accepted by all of them.
/// </summary>
/// <remarks>
/// A replica reads the key ring once at start and then about once a day; a token signed with a key it has not
/// read is refused (401), except in its first two minutes, when an unknown key makes it read the ring again.
/// Two first keys therefore meant that, from the third minute, part of the replicas refused every token the
/// others issued (seen in a bench run with longer warm-up: docs/PERFORMANCE.md, 2026-12-02, 05:00).
/// </remarks>
internal sealed class KeyRingWarmup(IServiceScopeFactory scopes, IDataProtectionProvider protection) : IHostedService
{
    internal const long LockKey = 0x4474_6344_5052; // "DtcDPR"

    public async Task StartAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DtcDbContext>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await db.Database.ExecuteSqlAsync($"select pg_advisory_lock({LockKey})", ct);
            protection.CreateProtector(nameof(KeyRingWarmup)).Protect([1]);
            await db.Database.ExecuteSqlAsync($"select pg_advisory_unlock({LockKey})", ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

internal static class KeyRingWarmupRegistration
{
    /// <summary>
    /// Registers the warm-up ahead of every hosted service. ASP.NET Core's own DataProtectionHostedService, added
    /// by AddAuthentication and AddIdentity, loads the key ring at start (creating a key when there is none):
    /// registered after it, the lock came too late and replicas starting together each created a key.
    /// </summary>
    public static IServiceCollection AddKeyRingWarmup(this IServiceCollection services)
    {
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, KeyRingWarmup>());
        return services;
    }
}
