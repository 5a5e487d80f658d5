using Dtc.Cron.Running;
using Dtc.Data;
using Dtc.Data.Notifications;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dtc.Cron.Tasks;

/// <summary>
/// Deliveries the worker deferred (an SMS in the customer's quiet hours) that are now due: their job
/// is enqueued again under the same dedupe key, and the row's not-before moves on by a lease so the
/// next minute does not enqueue it twice. The worker finds the row and sends what it holds.
/// Also settles sends a crashed worker left claimed: past the claim timeout they are marked failed,
/// never sent again (docs/WORKER-AND-CRON.md, "Sending once").
/// </summary>
public sealed class DeferredNotificationsTask(DtcDbContext db, IOptions<CronOptions> options, TimeProvider clock) : ICronTask
{
    public static string Name => "deferred-notifications";

    sealed record Due(Guid CustomerId, string Template, string DedupeKey);

    public async Task<CronCounts> RunAsync(DateTimeOffset slot, CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var due = await db.Database.SqlQuery<Due>($"""
            update notifications set not_before = {now + o.DeferredRequeueLease}
            where id in (
                select id from notifications
                where status = 'queued' and not_before is not null and not_before <= {now}
                order by not_before limit {o.BatchSize} for update skip locked)
            returning customer_id, template, dedupe_key
            """).ToListAsync(ct);
        foreach (var job in due.DistinctBy(d => d.DedupeKey))
        {
            db.Publish(new NotificationSend(job.CustomerId, job.Template, job.DedupeKey));
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        var cutoff = now - o.InterruptedSendAfter;
        const string interrupted = "Interrupted while sending: the provider may or may not have it. Not sent again, so that it is never sent twice.";
        var notifications = await db.Notifications.Where(n => n.Status == DeliveryStatus.Sending && n.ClaimedAt < cutoff)
            .ExecuteUpdateAsync(u => u.SetProperty(n => n.Status, DeliveryStatus.Failed).SetProperty(n => n.Error, interrupted), ct);
        var accountEmails = await db.AccountEmails.Where(e => e.Status == DeliveryStatus.Sending && e.ClaimedAt < cutoff)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, DeliveryStatus.Failed).SetProperty(e => e.Error, interrupted), ct);
        return new CronCounts { ["requeued"] = due.Count, ["interrupted"] = notifications + accountEmails };
    }
}
