using Dtc.Cron.Running;
using Dtc.Data;
using Dtc.Data.Orders;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dtc.Cron.Tasks;

/// <summary>
/// Data sync with the fulfilment partner: an order placed and still not synchronised after the grace
/// period (its job parked, or lost before the outbox existed) is enqueued again, at most once per
/// grace period; one that stays unsynchronised past the give-up age is only counted, for a person.
/// </summary>
public sealed class FulfilmentReconciliationTask(DtcDbContext db, IOptions<CronOptions> options, TimeProvider clock) : ICronTask
{
    public static string Name => "fulfilment-reconciliation";

    public async Task<CronCounts> RunAsync(DateTimeOffset slot, CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var (graceCutoff, giveUpCutoff) = (now - o.FulfilmentSyncGrace, now - o.FulfilmentGiveUpAfter);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var orders = await db.Database.SqlQuery<Guid>($"""
            update orders set fulfilment_sync_requested_at = {now}
            where id in (
                select id from orders
                where status = 'placed' and fulfilment_synced_at is null
                  and created_at < {graceCutoff} and created_at >= {giveUpCutoff}
                  and (fulfilment_sync_requested_at is null or fulfilment_sync_requested_at < {graceCutoff})
                order by created_at limit {o.BatchSize} for update skip locked)
            returning id as "Value"
            """).ToListAsync(ct);
        foreach (var id in orders) db.Publish(new SyncOrderToFulfilment(id));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        var stuck = await db.Orders.LongCountAsync(x => x.Status == OrderStatus.Placed && x.FulfilmentSyncedAt == null && x.CreatedAt < giveUpCutoff, ct);
        return new CronCounts { ["requeued"] = orders.Count, ["givenUp"] = stuck };
    }
}
