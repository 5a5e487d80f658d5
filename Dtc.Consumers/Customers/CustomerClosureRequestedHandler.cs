using Dtc.Data;
using Dtc.Data.Customers;
using Dtc.Data.Notifications;
using Dtc.Data.Orders;
using Dtc.Messaging.Consuming;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Consumers.Customers;

/// <summary>
/// Closes an account as README "Account closure and retention" says: no way back in, nothing more sent,
/// contact data anonymised; the lab identity (patient number, name, birth date), kits, results and audit kept.
/// </summary>
public sealed class CustomerClosureRequestedHandler(DtcDbContext db, TimeProvider clock, CustomerTelemetry telemetry)
    : IMessageHandler<CustomerClosureRequested>
{
    public async Task HandleAsync(CustomerClosureRequested message, MessageContext context, CancellationToken ct)
    {
        var customer = await CustomerRows.LockAsync(db, message.CustomerId, ct);
        if (customer.ClosedAt is not null) return;
        var now = clock.GetUtcNow();
        var id = customer.Id;
        var placeholder = $"closed-{id:N}@closed.invalid"; // unique, and nobody can receive mail there

        // Sessions: refresh tokens revoked; a new security stamp invalidates what was issued from the old one;
        // locked out for good, with no password, so no new log-in either.
        await db.RefreshTokens.Where(t => t.UserId == id && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
        await db.UserLogins.Where(l => l.UserId == id).ExecuteDeleteAsync(ct);
        await db.UserTokens.Where(t => t.UserId == id).ExecuteDeleteAsync(ct);
        var user = await db.Users.SingleAsync(u => u.Id == id, ct);
        user.Email = user.UserName = placeholder;
        user.NormalizedEmail = user.NormalizedUserName = placeholder.ToUpperInvariant();
        user.EmailConfirmed = false;
        user.PhoneNumber = null;
        user.PasswordHash = null;
        user.TwoFactorEnabled = false;
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        user.ConcurrencyStamp = Guid.NewGuid().ToString();
        user.LockoutEnabled = true;
        user.LockoutEnd = DateTimeOffset.MaxValue;

        // Nothing more is sent: preferences off, and what is still queued is skipped.
        customer.Preferences.ResultsByEmail = false;
        customer.Preferences.ResultsBySms = false;
        customer.Preferences.Marketing = false;
        await db.Notifications.Where(n => n.CustomerId == id && n.Status == DeliveryStatus.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.Status, DeliveryStatus.Skipped).SetProperty(n => n.Error, "account closed"), ct);

        // Contact data goes; the lab identity (patient number, names, birth date) stays with kits and results.
        customer.Email = placeholder;
        customer.EmailVerified = false;
        customer.Phone = null;
        customer.ShippingAddress = null;
        customer.ClosureRequestedAt ??= message.RequestedAt;
        customer.ClosedAt = now;
        customer.UpdatedAt = now;
        await CloseOrdersAsync(id, now, ct);
        CustomerRows.Audit(db, id, "customer.closed", actorId: id, now);
        telemetry.Closed();
    }

    /// <summary>Orders keep what accounting needs (lines, totals, dates, country); an unshipped one is cancelled.</summary>
    async Task CloseOrdersAsync(Guid customerId, DateTimeOffset now, CancellationToken ct)
    {
        var orders = await db.Orders.Where(o => o.CustomerId == customerId).ToListAsync(ct);
        foreach (var order in orders)
        {
            if (order.Status == OrderStatus.Placed)
            {
                order.Status = OrderStatus.Cancelled;
                order.CancelledAt = now;
                db.Publish(new OrderCancelled(order.Id, customerId, now));
            }
            order.ShippingAddress = new Address { Country = order.ShippingAddress.Country };
            order.UpdatedAt = now;
        }
    }
}
