using Dtc.Data;
using Dtc.Messaging.Consuming;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Outbox;

namespace Dtc.Consumers.Customers;

/// <summary>
/// A profile change. The API writes a patient's own edit before publishing it, so usually the row already
/// holds this version; one from the CRM is applied here if it is newer than the row.
/// </summary>
public sealed class CustomerProfileUpdatedHandler(DtcDbContext db, TimeProvider clock, CustomerTelemetry telemetry)
    : IMessageHandler<CustomerProfileUpdated>
{
    public async Task HandleAsync(CustomerProfileUpdated message, MessageContext context, CancellationToken ct)
    {
        var customer = await CustomerRows.LockAsync(db, message.CustomerId, ct);
        var outcome = CustomerRows.Compare(customer, message.Version);
        telemetry.Update(CustomerProfileUpdated.MessageType, outcome);
        if (outcome == UpdateOutcome.Closed) return;
        var now = clock.GetUtcNow();
        if (outcome == UpdateOutcome.Applied)
        {
            customer.GivenName = message.GivenName;
            customer.FamilyName = message.FamilyName;
            customer.DateOfBirth = message.DateOfBirth;
            customer.Phone = message.Phone;
            customer.ShippingAddress = CustomerRows.ToAddress(message.ShippingAddress);
            customer.TimeZone = message.TimeZone;
            customer.Version = message.Version;
            customer.UpdatedAt = now;
            CustomerRows.Audit(db, customer.Id, "customer.profile-applied", actorId: null, now);
        }
        // Fulfilment hears the contact as the row holds it now, even for a stale event: a newer change
        // that is not a profile change (preferences) would otherwise hide this one's contact from it.
        db.Publish(CustomerRows.Contact(customer, now));
    }
}
