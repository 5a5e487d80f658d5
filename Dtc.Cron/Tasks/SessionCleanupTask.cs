using Dtc.Cron.Running;
using Dtc.Data;
using Dtc.Data.Kits;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dtc.Cron.Tasks;

/// <summary>
/// Deletes refresh tokens past their expiry (a revoked one is kept until then, for reuse detection)
/// and closes kit registration requests still pending after a day: whatever held them up, the
/// patient is better told to register again than left waiting.
/// </summary>
public sealed class SessionCleanupTask(DtcDbContext db, IOptions<CronOptions> options, TimeProvider clock) : ICronTask
{
    public static string Name => "session-cleanup";

    public const string TimedOut = "timed-out";

    public async Task<CronCounts> RunAsync(DateTimeOffset slot, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var batch = options.Value.BatchSize * 10;
        var tokens = await db.RefreshTokens
            .Where(t => db.RefreshTokens.Where(e => e.ExpiresAt < now).OrderBy(e => e.ExpiresAt).Select(e => e.Id).Take(batch).Contains(t.Id))
            .ExecuteDeleteAsync(ct);
        var cutoff = now - options.Value.StaleRegistrationAfter;
        var registrations = await db.KitRegistrations
            .Where(r => r.Status == RegistrationStatus.Pending && r.RequestedAt < cutoff)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RegistrationStatus.Rejected)
                .SetProperty(r => r.ReasonCode, TimedOut)
                .SetProperty(r => r.ReasonText, "The registration could not be completed in time. Please register the kit again.")
                .SetProperty(r => r.DecidedAt, now), ct);
        return new CronCounts { ["refreshTokensDeleted"] = tokens, ["registrationsTimedOut"] = registrations };
    }
}
