using Dtc.Cron.Running;
using Dtc.Data;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dtc.Cron.Tasks;

/// <summary>
/// Two reminders, each at most once per kit: the kit is marked (reminder_sent_at, overdue_notified_at)
/// and the NotificationSend written to the outbox in one transaction, and the job's dedupe key makes
/// even a repeated job harmless.
/// <list type="bullet">
/// <item>a kit shipped and not registered after N days (and not expired): "register your kit";</item>
/// <item>a kit whose results are overdue against its panel's turnaround (from receipt at the lab, or
/// from registration plus the time in the post): "your results take longer", and a metric for ops.</item>
/// </list>
/// </summary>
public sealed class RemindersTask(DtcDbContext db, CronTelemetry telemetry, IOptions<CronOptions> options, TimeProvider clock) : ICronTask
{
    public static string Name => "reminders";

    sealed record Due(Guid KitId, Guid CustomerId);

    public async Task<CronCounts> RunAsync(DateTimeOffset slot, CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        var unregistered = await db.Database.SqlQuery<Due>($"""
            update kits k set reminder_sent_at = {now}
            from orders o
            where o.id = k.order_id and k.id in (
                select id from kits
                where status = 'shipped' and reminder_sent_at is null and shipped_at < {now - o.RegistrationReminderAfter}
                  and expires_on >= {today}
                order by shipped_at limit {o.BatchSize} for update skip locked)
            returning k.id as kit_id, o.customer_id as customer_id
            """).ToListAsync(ct);
        foreach (var due in unregistered)
        {
            db.Publish(new NotificationSend(due.CustomerId, NotificationTemplates.KitRegistrationReminder,
                $"kit-registration-reminder:{due.KitId}", new Dictionary<string, string> { ["kitId"] = due.KitId.ToString() }));
        }

        var overdue = await db.Database.SqlQuery<Due>($"""
            update kits k set overdue_notified_at = {now}
            where k.id in (
                select k2.id from kits k2 join products p on p.code = k2.product_code
                where k2.status in ('registered', 'received') and k2.customer_id is not null and k2.overdue_notified_at is null
                  and coalesce(k2.received_at, k2.registered_at + make_interval(days => {o.SampleTransitDays}))
                      + make_interval(days => p.turnaround_days) < {now}
                limit {o.BatchSize} for update of k2 skip locked)
            returning k.id as kit_id, k.customer_id as customer_id
            """).ToListAsync(ct);
        foreach (var due in overdue)
        {
            db.Publish(new NotificationSend(due.CustomerId, NotificationTemplates.ResultsDelayed,
                $"results-delayed:{due.KitId}", new Dictionary<string, string> { ["kitId"] = due.KitId.ToString() }));
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        telemetry.ResultsOverdue(overdue.Count);
        return new CronCounts { ["registrationReminders"] = unregistered.Count, ["resultsOverdue"] = overdue.Count };
    }
}
