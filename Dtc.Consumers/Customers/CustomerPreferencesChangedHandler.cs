using Dtc.Data;
using Dtc.Messaging.Consuming;
using Dtc.Messaging.Contracts;

namespace Dtc.Consumers.Customers;

/// <summary>Notification preferences; applied only when newer than the row (the API usually wrote them already).</summary>
public sealed class CustomerPreferencesChangedHandler(DtcDbContext db, TimeProvider clock, CustomerTelemetry telemetry)
    : IMessageHandler<CustomerPreferencesChanged>
{
    public async Task HandleAsync(CustomerPreferencesChanged message, MessageContext context, CancellationToken ct)
    {
        var customer = await CustomerRows.LockAsync(db, message.CustomerId, ct);
        var outcome = CustomerRows.Compare(customer, message.Version);
        telemetry.Update(CustomerPreferencesChanged.MessageType, outcome);
        if (outcome != UpdateOutcome.Applied) return;
        customer.Preferences.ResultsByEmail = message.ResultsByEmail;
        customer.Preferences.ResultsBySms = message.ResultsBySms;
        customer.Preferences.Marketing = message.Marketing;
        customer.Version = message.Version;
        customer.UpdatedAt = clock.GetUtcNow();
    }
}
