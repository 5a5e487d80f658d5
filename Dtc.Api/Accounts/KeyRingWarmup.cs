using Dtc.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Api.Accounts;

/// <summary>
/// Loads the Data Protection key ring before the first request. On a fresh database the replicas starting
/// together would each create a first key; under an advisory lock the first creates it and the others read it,
/// so a token one replica issues is accepted by all of them from the first minute.
/// </summary>
internal sealed class KeyRingWarmup(IServiceScopeFactory scopes, IDataProtectionProvider protection) : IHostedService
{
    const long LockKey = 0x4474_6344_5052; // "DtcDPR"

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
