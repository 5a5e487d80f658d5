using Dtc.Cron.Running;
using Dtc.Data;
using Dtc.Data.Kits;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Cron.Tasks;

/// <summary>Kits not yet registered (shipped, registration pending) past their expiry date become expired.</summary>
public sealed class KitExpiryTask(DtcDbContext db, TimeProvider clock) : ICronTask
{
    public static string Name => "kit-expiry";

    public async Task<CronCounts> RunAsync(DateTimeOffset slot, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var expired = await db.Kits
            .Where(k => (k.Status == KitStatus.Shipped || k.Status == KitStatus.RegistrationPending) && k.ExpiresOn < today)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.Status, KitStatus.Expired).SetProperty(k => k.UpdatedAt, now), ct);
        return new CronCounts { ["expired"] = expired };
    }
}
