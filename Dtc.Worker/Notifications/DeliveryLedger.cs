using Dtc.Data;
using Dtc.Data.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Worker.Notifications;

/// <summary>
/// The delivery records of notifications and account emails, written in short transactions of their
/// own, outside the job's transaction: what was claimed or sent stays recorded even when the job
/// then fails and is retried or parked. Row life: queued → sending (claimed) → sent | failed;
/// a known failure to hand over returns it to queued. See Dtc.Worker/README.md for the crash windows.
/// </summary>
public sealed class DeliveryLedger(IServiceScopeFactory scopes)
{
    public sealed class Table
    {
        public static readonly Table Notifications = new("notifications");
        public static readonly Table AccountEmails = new("account_emails");

        Table(string name)
        {
            Claim = "update " + name + " set status = 'sending', claimed_at = {1}, attempts = attempts + 1 where id = {0} and status = 'queued'";
            Sent = "update " + name + " set status = 'sent', sent_at = {1}, provider_reference = {2}, error = null where id = {0} and status = 'sending'";
            Release = "update " + name + " set status = 'queued', claimed_at = null, error = {1} where id = {0} and status = 'sending'";
            Fail = "update " + name + " set status = 'failed', error = {1} where id = {0} and status in ('queued', 'sending')";
            Abandon = "update " + name + " set status = 'failed', error = {2} where id = {0} and status = 'sending' and claimed_at < {1}";
            Skip = "update " + name + " set status = 'skipped', error = {1} where id = {0} and status = 'queued'";
        }

        internal string Claim { get; }
        internal string Sent { get; }
        internal string Release { get; }
        internal string Fail { get; }
        internal string Abandon { get; }
        internal string Skip { get; }
    }

    /// <summary>Inserts the row unless (dedupe key, channel) is there already; returns the stored row either way.</summary>
    public async Task<Notification> EnsureAsync(Notification row, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DtcDbContext>();
        await db.Database.ExecuteSqlAsync($"""
            insert into notifications (id, customer_id, channel, template, title, body, link, dedupe_key, status, attempts, error, created_at, sent_at)
            values ({row.Id}, {row.CustomerId}, {row.Channel}, {row.Template}, {row.Title}, {row.Body}, {row.Link}, {row.DedupeKey},
                    {row.Status}, 0, {row.Error}, {row.CreatedAt}, {row.SentAt})
            on conflict (dedupe_key, channel) do nothing
            """, ct);
        return await db.Notifications.AsNoTracking().SingleAsync(n => n.DedupeKey == row.DedupeKey && n.Channel == row.Channel, ct);
    }

    public async Task<AccountEmail> EnsureAsync(AccountEmail row, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DtcDbContext>();
        await db.Database.ExecuteSqlAsync($"""
            insert into account_emails (id, dedupe_key, template, status, attempts, created_at)
            values ({row.Id}, {row.DedupeKey}, {row.Template}, {row.Status}, 0, {row.CreatedAt})
            on conflict (dedupe_key) do nothing
            """, ct);
        return await db.AccountEmails.AsNoTracking().SingleAsync(e => e.DedupeKey == row.DedupeKey, ct);
    }

    /// <summary>Takes a queued row for sending; false when another delivery has it or it is settled.</summary>
    public async Task<bool> ClaimAsync(Table table, Guid id, DateTimeOffset now, CancellationToken ct) =>
        await ExecuteAsync(table.Claim, ct, id, now) == 1;

    public Task MarkSentAsync(Table table, Guid id, DateTimeOffset now, string reference, CancellationToken ct) =>
        ExecuteAsync(table.Sent, ct, id, now, Truncate(reference, 128));

    /// <summary>The provider did not take it: back to queued for the job's next retry.</summary>
    public Task ReleaseAsync(Table table, Guid id, string error, CancellationToken ct) =>
        ExecuteAsync(table.Release, ct, id, Truncate(error, 2000));

    public Task FailAsync(Table table, Guid id, string error, CancellationToken ct) =>
        ExecuteAsync(table.Fail, ct, id, Truncate(error, 2000));

    /// <summary>A claim older than <paramref name="cutoff"/> is what a crash left: its outcome is unknown, and it is not sent again.</summary>
    public async Task<bool> AbandonAsync(Table table, Guid id, DateTimeOffset cutoff, CancellationToken ct) =>
        await ExecuteAsync(table.Abandon, ct, id, cutoff,
            "Interrupted while sending: the provider may or may not have it. Not sent again, so that it is never sent twice.") == 1;

    /// <summary>A queued row the customer no longer wants (preferences changed, closure requested) is not sent.</summary>
    public Task SkipAsync(Table table, Guid id, string reason, CancellationToken ct) => ExecuteAsync(table.Skip, ct, id, reason);

    /// <summary>SMS quiet hours: stays queued until <paramref name="notBefore"/>; the cron re-enqueues it then.</summary>
    public async Task DeferAsync(Guid id, DateTimeOffset notBefore, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DtcDbContext>();
        await db.Notifications.Where(n => n.Id == id && n.Status == DeliveryStatus.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.NotBefore, notBefore), ct);
    }

    async Task<int> ExecuteAsync(string sql, CancellationToken ct, params object[] parameters)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DtcDbContext>();
        return await db.Database.ExecuteSqlRawAsync(sql, parameters, ct);
    }

    static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
