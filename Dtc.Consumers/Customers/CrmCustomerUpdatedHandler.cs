using Dtc.Data;
using Dtc.Data.Customers;
using Dtc.Messaging.Consuming;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Outbox;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Dtc.Consumers.Customers;

/// <summary>
/// A change made in the CRM / support back office: only its non-null fields, only if newer than the row.
/// This consumer is the writer of CRM changes; a changed contact is passed on to fulfilment.
/// </summary>
public sealed partial class CrmCustomerUpdatedHandler(
    DtcDbContext db, TimeProvider clock, CustomerTelemetry telemetry, ILogger<CrmCustomerUpdatedHandler> logger)
    : IMessageHandler<CrmCustomerUpdated>
{
    static readonly UpperInvariantLookupNormalizer normalizer = new();

    public async Task HandleAsync(CrmCustomerUpdated message, MessageContext context, CancellationToken ct)
    {
        var customer = await CustomerRows.LockAsync(db, message.CustomerId, ct);
        var outcome = CustomerRows.Compare(customer, message.Version);
        telemetry.Update(CrmCustomerUpdated.MessageType, outcome);
        if (outcome != UpdateOutcome.Applied)
        {
            LogNotApplied(message.CustomerId, message.Version, customer.Version, outcome);
            return;
        }
        var now = clock.GetUtcNow();
        var before = ContactOf(customer);
        if (message.Email is { } email && email != customer.Email) await ChangeEmailAsync(customer, email, ct);
        customer.GivenName = message.GivenName ?? customer.GivenName;
        customer.FamilyName = message.FamilyName ?? customer.FamilyName;
        customer.Phone = message.Phone ?? customer.Phone;
        if (message.ShippingAddress is not null) customer.ShippingAddress = CustomerRows.ToAddress(message.ShippingAddress);
        customer.Preferences.Marketing = message.Marketing ?? customer.Preferences.Marketing;
        customer.Version = message.Version;
        customer.UpdatedAt = now;
        CustomerRows.Audit(db, customer.Id, "customer.crm-update-applied", actorId: null, now);
        if (ContactOf(customer) != before) db.Publish(CustomerRows.Contact(customer, now));
    }

    /// <summary>The e-mail is also the sign-in name: both move together, and never onto another account's address.</summary>
    async Task ChangeEmailAsync(Customer customer, string email, CancellationToken ct)
    {
        var normalized = normalizer.NormalizeEmail(email);
        if (await db.Users.AnyAsync(u => u.Id != customer.Id && u.NormalizedEmail == normalized, ct)
            || await db.Customers.AnyAsync(c => c.Id != customer.Id && c.Email == email, ct))
        {
            throw new PoisonMessageException("email-taken", $"The CRM moved customer {customer.Id} to an e-mail address another account uses.");
        }
        customer.Email = email;
        var user = await db.Users.SingleAsync(u => u.Id == customer.Id, ct);
        user.Email = email;
        user.NormalizedEmail = normalized;
        user.UserName = email;
        user.NormalizedUserName = normalizer.NormalizeName(email);
        user.ConcurrencyStamp = Guid.NewGuid().ToString();
    }

    static (string, string, string, string?, AddressData?) ContactOf(Customer c) =>
        (c.GivenName, c.FamilyName, c.Email, c.Phone, CustomerRows.ToData(c.ShippingAddress));

    [LoggerMessage(LogLevel.Information, "CRM update of customer {CustomerId} at version {Version} not applied (row at {RowVersion}): {Outcome}")]
    partial void LogNotApplied(Guid customerId, long version, long rowVersion, UpdateOutcome outcome);
}
