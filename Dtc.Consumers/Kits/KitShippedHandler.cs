using Dtc.Data;
using Dtc.Data.Kits;
using Dtc.Data.Orders;
using Dtc.Messaging.Consuming;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Consumers.Kits;

/// <summary>
/// Fulfilment's word that a kit left the warehouse: the kit joins the inventory (status shipped) and its
/// order becomes shipped. Idempotent per barcode, whatever the message id.
/// </summary>
public sealed class KitShippedHandler(DtcDbContext db, TimeProvider clock, KitTelemetry telemetry) : IMessageHandler<KitShipped>
{
    public async Task HandleAsync(KitShipped message, MessageContext context, CancellationToken ct)
    {
        var barcode = KitBarcode.Normalize(message.Barcode);
        if (!KitBarcode.IsValid(barcode))
        {
            throw new PoisonMessageException("invalid-barcode", $"kit.shipped carries '{message.Barcode}', not 11 digits with a Luhn check digit.");
        }
        // The same kit announced twice at once (fulfilment re-sends) takes turns here rather than meeting
        // on the unique barcode and failing one transaction. 7411 keeps these keys apart from other advisory locks.
        await db.Database.ExecuteSqlAsync($"select pg_advisory_xact_lock(7411, hashtext({barcode}))", ct);
        var existing = await db.Kits.SingleOrDefaultAsync(k => k.Barcode == barcode, ct);
        if (existing is not null)
        {
            if (existing.OrderId == message.OrderId) return; // shipped again: already in the inventory
            throw new PoisonMessageException("barcode-conflict", $"Kit {barcode} was shipped for order {existing.OrderId}, now for {message.OrderId}.");
        }
        // Kits of one order shipped at once take turns on the order row instead of failing on its row version.
        await db.Database.ExecuteSqlAsync($"select 1 from orders where id = {message.OrderId} for update", ct);
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == message.OrderId, ct)
            ?? throw new PoisonMessageException("unknown-order", $"kit.shipped names order {message.OrderId}, which does not exist.");
        if (!await db.Products.AnyAsync(p => p.Code == message.ProductCode, ct))
        {
            throw new PoisonMessageException("unknown-product", $"kit.shipped names product '{message.ProductCode}', which is not in the catalogue.");
        }

        var now = clock.GetUtcNow();
        db.Kits.Add(new Kit
        {
            Id = Guid.CreateVersion7(),
            Barcode = barcode,
            OrderId = order.Id,
            ProductCode = message.ProductCode,
            Status = KitStatus.Shipped,
            ExpiresOn = message.ExpiresOn,
            ShippedAt = message.ShippedAt,
            UpdatedAt = now,
        });
        // A cancelled order stays cancelled (its kit cannot be registered); a later status is not undone.
        if (order.Status == OrderStatus.Placed)
        {
            order.Status = OrderStatus.Shipped;
            order.UpdatedAt = now;
            db.Publish(new NotificationSend(order.CustomerId, "order-shipped", $"order-shipped:{order.Id}",
                new Dictionary<string, string> { ["orderId"] = order.Id.ToString() }));
        }
        telemetry.Shipped(message.ProductCode);
    }
}
