using Dtc.Data;
using Dtc.Data.Orders;
using Dtc.Messaging.Consuming;
using Dtc.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Worker.Fulfilment;

/// <summary>
/// Pushes an order to the fulfilment partner and records its reference. Runs for <c>order.placed</c>
/// (the normal path) and <c>sync.order-to-fulfilment</c> (the cron's reconciliation); an order already
/// synchronised is left alone, and a cancelled one is cancelled at the partner instead, which also
/// closes the race of a cancellation overtaking the sync.
/// </summary>
public sealed class OrderSyncHandler(DtcDbContext db, IFulfilmentPartner partner, WorkerTelemetry telemetry, TimeProvider clock)
    : IMessageHandler<SyncOrderToFulfilment>, IMessageHandler<OrderPlaced>
{
    public Task HandleAsync(SyncOrderToFulfilment job, MessageContext context, CancellationToken ct) => SyncAsync(job.OrderId, ct);

    public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken ct) => SyncAsync(message.OrderId, ct);

    async Task SyncAsync(Guid orderId, CancellationToken ct)
    {
        var order = await db.Orders.Include(o => o.Lines).SingleOrDefaultAsync(o => o.Id == orderId, ct)
            ?? throw new PoisonMessageException("unknown-order", $"Order {orderId} does not exist.");
        try
        {
            if (order.Status == OrderStatus.Cancelled)
            {
                telemetry.Fulfilment("cancel", (await partner.CancelAsync(order.Id, ct)).ToString().ToLowerInvariant());
                return;
            }
            if (order.FulfilmentReference is not null)
            {
                telemetry.Fulfilment("place", "already-synced");
                return;
            }
            order.FulfilmentReference = await partner.PlaceAsync(await RequestAsync(order, ct), ct);
        }
        catch (FulfilmentRejectedException ex)
        {
            telemetry.Fulfilment("place", "rejected");
            throw new PoisonMessageException("fulfilment-rejected", ex.Message, ex);
        }
        // Saved by the consumer with the order's row version: a concurrent change (a cancellation)
        // fails the save, and the retry, idempotent at the partner, sees the new state.
        order.FulfilmentSyncedAt = clock.GetUtcNow();
        telemetry.Fulfilment("place", "synced");
    }

    async Task<FulfilmentOrder> RequestAsync(Order order, CancellationToken ct)
    {
        var customer = await db.Customers.AsNoTracking().SingleAsync(c => c.Id == order.CustomerId, ct);
        var address = order.ShippingAddress;
        return new FulfilmentOrder(order.Id, order.CreatedAt,
            new FulfilmentRecipient($"{customer.GivenName} {customer.FamilyName}".Trim(), address.Line1, address.Line2, address.City,
                address.Region, address.PostalCode, address.Country),
            order.Lines.Select(l => new FulfilmentLine(l.ProductCode, l.Quantity)).ToList());
    }
}
