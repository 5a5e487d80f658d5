using Dtc.Data.Notifications;
using Dtc.Messaging.Consuming;
using Dtc.Messaging.Contracts;
using Dtc.Worker.Email;
using Microsoft.Extensions.Options;

namespace Dtc.Worker.Notifications;

/// <summary>
/// <c>email.send</c>: an account email (confirm the address, reset the password) to an address that
/// is not yet a verified customer's. Same delivery record and crash rules as notifications.
/// </summary>
public sealed class AccountEmailSendHandler(
    DeliveryLedger ledger, IEmailSender email, EmailComposer composer, IOptions<NotificationOptions> options,
    WorkerTelemetry telemetry, TimeProvider clock) : IMessageHandler<AccountEmailSend>
{
    static readonly DeliveryLedger.Table table = DeliveryLedger.Table.AccountEmails;
    const string Channel = "account-email";

    public async Task HandleAsync(AccountEmailSend job, MessageContext context, CancellationToken ct)
    {
        var (subject, text) = AccountTemplates.Render(job.Template, job.Data);
        if (string.IsNullOrWhiteSpace(job.DedupeKey) || job.DedupeKey.Length > 200)
        {
            throw new PoisonMessageException("bad-dedupe-key", "An account email needs a dedupe key of 1 to 200 characters.");
        }
        var now = clock.GetUtcNow();
        var row = await ledger.EnsureAsync(new AccountEmail
        {
            Id = Guid.CreateVersion7(), DedupeKey = job.DedupeKey, Template = job.Template, CreatedAt = now,
        }, ct);
        if (row.Status == DeliveryStatus.Sending && await ledger.AbandonAsync(table, row.Id, now - options.Value.ClaimTimeout, ct))
        {
            telemetry.Delivery(Channel, "abandoned");
            return;
        }
        if (row.Status != DeliveryStatus.Queued || !await ledger.ClaimAsync(table, row.Id, now, ct)) return;
        try
        {
            var reference = await email.SendAsync(composer.Compose(row.Id, job.Template, job.To, subject, text, link: null), ct);
            await ledger.MarkSentAsync(table, row.Id, clock.GetUtcNow(), reference, CancellationToken.None);
            telemetry.Delivery(Channel, "sent");
        }
        catch (DeliveryException ex) when (ex.Permanent)
        {
            await ledger.FailAsync(table, row.Id, ex.Message, CancellationToken.None);
            telemetry.Delivery(Channel, "failed");
            throw new PoisonMessageException("delivery-rejected", ex.Message, ex);
        }
        catch (Exception ex)
        {
            await ledger.ReleaseAsync(table, row.Id, ex.Message, CancellationToken.None);
            telemetry.Delivery(Channel, "retry");
            throw;
        }
    }
}
