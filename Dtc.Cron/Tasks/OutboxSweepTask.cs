using Dtc.Cron.Running;
using Dtc.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dtc.Cron.Tasks;

/// <summary>
/// A relay's claim is its transaction's row locks, so a relay that dies loses it with its connection.
/// What the sweep still does: rows holding a relay's lease past its end (a relay of an earlier version,
/// or a hand-made lease) are released for the next relay pass, in any service; rows unpublished for over
/// 5 minutes are counted (the run's record and the SREs' alert); published outbox rows and inbox rows
/// past their retention are trimmed.
/// </summary>
public sealed class OutboxSweepTask(DtcDbContext db, IOptions<CronOptions> options, TimeProvider clock) : ICronTask
{
    public static string Name => "outbox-sweep";

    public async Task<CronCounts> RunAsync(DateTimeOffset slot, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var o = options.Value;
        var released = await db.Outbox
            .Where(m => m.PublishedAt == null && m.LockedBy != null && m.LockedUntil < now)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntil, (DateTimeOffset?)null).SetProperty(m => m.LockedBy, (string?)null), ct);
        var stale = await db.Outbox.LongCountAsync(m => m.PublishedAt == null && m.CreatedAt < now.AddMinutes(-5), ct);

        var batch = o.BatchSize * 20;
        var publishedBefore = now - o.PublishedOutboxRetention;
        var pruned = await db.Outbox
            .Where(m => db.Outbox.Where(p => p.PublishedAt < publishedBefore).OrderBy(p => p.Seq).Select(p => p.Seq).Take(batch).Contains(m.Seq))
            .ExecuteDeleteAsync(ct);
        var processedBefore = now - o.InboxRetention;
        var inbox = await db.Database.ExecuteSqlAsync($"""
            delete from inbox where ctid in (select ctid from inbox where processed_at < {processedBefore} limit {batch})
            """, ct);
        return new CronCounts { ["released"] = released, ["unpublishedOver5Min"] = stale, ["outboxPruned"] = pruned, ["inboxPruned"] = inbox };
    }
}
