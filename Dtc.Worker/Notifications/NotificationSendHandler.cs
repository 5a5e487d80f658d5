using Dtc.Data;
using Dtc.Data.Customers;
using Dtc.Data.Notifications;
using Dtc.Messaging.Consuming;
using Dtc.Messaging.Contracts;
using Dtc.Worker.Email;
using Dtc.Worker.Sms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dtc.Worker.Notifications;

/// <summary>
/// <c>notification.send</c>: the in-app row, then email and SMS as the customer's preferences allow.
/// Each channel has its own delivery row, unique on (dedupe key, channel), committed before the send:
/// a redelivered or repeated job finds it and never sends twice. A transient failure retries the
/// job (channels already sent are not touched again); a rejection marks the row failed and parks it.
/// </summary>
public sealed class NotificationSendHandler(
    DtcDbContext db, DeliveryLedger ledger, IEmailSender email, ISmsSender sms, EmailComposer composer,
    IOptions<NotificationOptions> options, WorkerTelemetry telemetry, TimeProvider clock) : IMessageHandler<NotificationSend>
{
    static readonly DeliveryLedger.Table table = DeliveryLedger.Table.Notifications;

    public async Task HandleAsync(NotificationSend job, MessageContext context, CancellationToken ct)
    {
        var template = Templates.Get(job.Template);
        if (string.IsNullOrWhiteSpace(job.DedupeKey) || job.DedupeKey.Length > 200)
        {
            throw new PoisonMessageException("bad-dedupe-key", "A notification needs a dedupe key of 1 to 200 characters.");
        }
        // A job may overtake the customer's own creation; retried, then parked if it never appears.
        var customer = await db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.Id == job.CustomerId, ct)
            ?? throw new InvalidOperationException($"Customer {job.CustomerId} does not exist (yet).");

        var failures = new List<DeliveryException>();
        foreach (var channel in (string[])[NotificationChannel.InApp, NotificationChannel.Email, NotificationChannel.Sms])
        {
            try { await DeliverAsync(channel, template, customer, job, ct); }
            catch (DeliveryException ex) { failures.Add(ex); }
        }
        if (failures.FirstOrDefault(f => !f.Permanent) is { } transient)
        {
            throw new InvalidOperationException($"Notification {job.DedupeKey} not delivered yet: {transient.Message}", transient);
        }
        if (failures.Count > 0)
        {
            throw new PoisonMessageException("delivery-rejected", string.Join("; ", failures.Select(f => f.Message)), failures[0]);
        }
    }

    async Task DeliverAsync(string channel, Template template, Customer customer, NotificationSend job, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var skip = SkipReason(channel, customer, template);
        if (channel == NotificationChannel.InApp)
        {
            if (skip is null) await ledger.EnsureAsync(NewRow(channel, template, customer, job, now, DeliveryStatus.Sent, null), ct);
            return;
        }
        var row = await ledger.EnsureAsync(NewRow(channel, template, customer, job, now, skip is null ? DeliveryStatus.Queued : DeliveryStatus.Skipped, skip), ct);
        if (row.Status == DeliveryStatus.Skipped)
        {
            telemetry.Delivery(channel, "skipped");
            return;
        }
        if (row.Status == DeliveryStatus.Queued && skip is not null)
        {
            // Written when the customer still wanted it (e.g. an SMS waiting for the morning); not any more.
            await ledger.SkipAsync(table, row.Id, skip, ct);
            telemetry.Delivery(channel, "skipped");
            return;
        }
        if (row.Status == DeliveryStatus.Sending && await ledger.AbandonAsync(table, row.Id, now - options.Value.ClaimTimeout, ct))
        {
            telemetry.Delivery(channel, "abandoned");
            return;
        }
        if (row.Status != DeliveryStatus.Queued) return; // settled, or being sent by another delivery right now

        if (channel == NotificationChannel.Sms && QuietHours.DeferUntil(now, customer.Preferences, customer.TimeZone) is { } until)
        {
            await ledger.DeferAsync(row.Id, until, ct);
            telemetry.Delivery(channel, "deferred");
            return;
        }
        if (!await ledger.ClaimAsync(table, row.Id, now, ct)) return;
        try
        {
            var reference = channel == NotificationChannel.Email
                ? await email.SendAsync(composer.Compose(row.Id, row.Template, customer.Email, row.Title, row.Body, AppLink(row.Link)), ct)
                : await sms.SendAsync(customer.Phone ?? throw DeliveryException.Rejected("The customer no longer has a phone number."), row.Body, ct);
            await ledger.MarkSentAsync(table, row.Id, clock.GetUtcNow(), reference, CancellationToken.None);
            telemetry.Delivery(channel, "sent");
        }
        catch (DeliveryException ex) when (ex.Permanent)
        {
            await ledger.FailAsync(table, row.Id, ex.Message, CancellationToken.None);
            telemetry.Delivery(channel, "failed");
            throw;
        }
        catch (Exception ex)
        {
            // Not handed over (or the worker is stopping): queued again for the job's next attempt.
            await ledger.ReleaseAsync(table, row.Id, ex.Message, CancellationToken.None);
            telemetry.Delivery(channel, "retry");
            if (ex is OperationCanceledException && ct.IsCancellationRequested) throw; // the consumer requeues it
            throw ex as DeliveryException ?? DeliveryException.Transient(ex.Message, ex);
        }
    }

    static string? SkipReason(string channel, Customer customer, Template template)
    {
        var prefs = customer.Preferences;
        if (customer.ClosedAt is not null || customer.ClosureRequestedAt is not null) return "account-closed";
        if (template.Category == TemplateCategory.Marketing && !prefs.Marketing) return "no-marketing-consent";
        return channel switch
        {
            NotificationChannel.Email when template.Category == TemplateCategory.Tests && !prefs.ResultsByEmail => "email-not-wanted",
            // An address the patient never confirmed may be someone else's: even "your results are ready" says too much.
            NotificationChannel.Email when !customer.EmailVerified => "email-unverified",
            NotificationChannel.Sms when template.Category == TemplateCategory.Marketing => "no-marketing-by-sms",
            NotificationChannel.Sms when !prefs.ResultsBySms => "sms-not-wanted",
            NotificationChannel.Sms when string.IsNullOrWhiteSpace(customer.Phone) => "no-phone",
            _ => null,
        };
    }

    static Notification NewRow(string channel, Template template, Customer customer, NotificationSend job, DateTimeOffset now, string status, string? error) => new()
    {
        Id = Guid.CreateVersion7(),
        CustomerId = customer.Id,
        Channel = channel,
        Template = template.Name,
        Title = template.Title,
        Body = channel == NotificationChannel.Sms ? template.Sms : template.Body,
        // Only the in-app link, opened behind sign-in, points at a particular report or kit.
        Link = channel == NotificationChannel.InApp ? template.LinkFor(job.Data) : template.Path,
        DedupeKey = job.DedupeKey,
        Status = status,
        Error = error,
        CreatedAt = now,
        SentAt = status == DeliveryStatus.Sent ? now : null,
    };

    Uri? AppLink(string? path) => path is null || options.Value.AppUrl is not { } app ? null : new Uri(app, path);
}
