using Dtc.Data;
using Dtc.Data.Customers;
using Dtc.Data.Kits;
using Dtc.Data.Orders;
using Dtc.Messaging.Consuming;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Dtc.Consumers.Kits;

/// <summary>
/// Decides a patient's kit registration (README: Kit registration rules), writes the outcome on the
/// registration and the kit, and announces it: <c>kit.registered</c> + <c>lis.order</c> + a notification
/// job, or <c>kit.registration-rejected</c> + a notification job.
/// </summary>
public sealed partial class KitRegistrationRequestedHandler(
    DtcDbContext db, TimeProvider clock, KitTelemetry telemetry, ILogger<KitRegistrationRequestedHandler> logger)
    : IMessageHandler<KitRegistrationRequested>
{
    public async Task HandleAsync(KitRegistrationRequested message, MessageContext context, CancellationToken ct)
    {
        var barcode = KitBarcode.Normalize(message.Barcode);
        // Row locks held to the commit, so they hold across replicas: a re-sent request waits for the first
        // decision on its registration, and racing registrations of one kit take turns on the kit row.
        // Always registration first, then kit: no two handlers wait for each other.
        await db.Database.ExecuteSqlAsync($"select 1 from kit_registrations where id = {message.RegistrationId} for update", ct);
        var registration = await db.KitRegistrations.SingleOrDefaultAsync(r => r.Id == message.RegistrationId, ct);
        if (registration is not null && registration.Status != RegistrationStatus.Pending)
        {
            telemetry.Replayed();
            return;
        }
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.Id == message.CustomerId, ct)
            ?? throw new PoisonMessageException("unknown-customer", $"Registration {message.RegistrationId} names customer {message.CustomerId}, who does not exist.");
        registration ??= db.KitRegistrations.Add(NewRegistration(message, barcode)).Entity;

        await db.Database.ExecuteSqlAsync($"select 1 from kits where barcode = {barcode} for update", ct);
        var kit = await db.Kits.SingleOrDefaultAsync(k => k.Barcode == barcode, ct);
        var order = kit?.OrderId is { } orderId ? await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, ct) : null;
        var now = clock.GetUtcNow();
        var decision = RegistrationRules.Decide(message, barcode, customer, kit, order, now);
        registration.KitId = kit?.Id;
        registration.DecidedAt = now;
        if (decision.Accepted) await AcceptAsync(message, registration, customer, kit!, order, decision, now, ct);
        else Reject(registration, customer, kit, decision.Reason, barcode);
        telemetry.Decided(decision);
    }

    async Task AcceptAsync(KitRegistrationRequested message, KitRegistration registration, Customer customer, Kit kit, Order? order,
        RegistrationDecision decision, DateTimeOffset now, CancellationToken ct)
    {
        registration.Status = RegistrationStatus.Accepted;
        if (decision.Reason == RegistrationDecision.Repeat) return; // the kit is already this patient's: nothing more happens

        kit.Status = KitStatus.Registered;
        kit.CustomerId = customer.Id;
        kit.RegisteredAt = now;
        kit.CollectedAt = message.CollectedAt;
        kit.ConsentToTesting = message.ConsentToTesting;
        kit.ConsentToResearch = message.ConsentToResearch;
        kit.UpdatedAt = now;
        var product = await db.Products.SingleOrDefaultAsync(p => p.Code == kit.ProductCode, ct)
            ?? throw new PoisonMessageException("kit-without-product", $"Kit {kit.Barcode} has no known product: the lab would not know the panel.");

        db.Publish(new KitRegistered(registration.Id, kit.Id, kit.Barcode, customer.Id, message.CollectedAt));
        db.Publish(new LisOrder(kit.Id, kit.Barcode, customer.PatientNumber, customer.GivenName, customer.FamilyName,
            customer.DateOfBirth, product.LoincPanelCode, product.Code, message.CollectedAt));
        db.Publish(new NotificationSend(customer.Id, "kit-registered", $"kit-registered:{registration.Id}", Data(registration)));
        if (decision.Reason == RegistrationDecision.Gift)
        {
            // The buyer learns that a kit of their order is in use (nothing about who), so a mistyped or stolen kit is noticed.
            db.Publish(new NotificationSend(order!.CustomerId, "kit-registered-by-someone-else", $"kit-gifted:{registration.Id}",
                new Dictionary<string, string> { ["orderId"] = order.Id.ToString() }));
        }
    }

    void Reject(KitRegistration registration, Customer customer, Kit? kit, string code, string barcode)
    {
        // Only the registration is refused: the kit stays as it was, available to whoever may register it.
        var words = Rejections.Words(code, kit);
        registration.Status = RegistrationStatus.Rejected;
        registration.ReasonCode = code;
        registration.ReasonText = words;
        db.Publish(new KitRegistrationRejected(registration.Id, barcode, customer.Id, code, words));
        if (code != Rejections.AccountClosed)
        {
            var data = Data(registration);
            data["reasonCode"] = code;
            db.Publish(new NotificationSend(customer.Id, "kit-registration-rejected", $"kit-registration-rejected:{registration.Id}", data));
        }
        LogRejected(registration.Id, code);
    }

    static Dictionary<string, string> Data(KitRegistration registration) => new() { ["registrationId"] = registration.Id.ToString() };

    /// <summary>The API writes the pending row with the request; if it is missing the decision still needs a home.</summary>
    static KitRegistration NewRegistration(KitRegistrationRequested message, string barcode) => new()
    {
        Id = message.RegistrationId,
        CustomerId = message.CustomerId,
        Barcode = barcode.Length > KitBarcode.Length ? barcode[..KitBarcode.Length] : barcode,
        CollectedAt = message.CollectedAt,
        ConsentToTesting = message.ConsentToTesting,
        ConsentToResearch = message.ConsentToResearch,
        RequestedAt = message.RequestedAt,
    };

    [LoggerMessage(LogLevel.Information, "Kit registration {RegistrationId} rejected: {ReasonCode}")]
    partial void LogRejected(Guid registrationId, string reasonCode);
}
