using Dtc.Data;
using Dtc.Data.Orders;
using Dtc.Messaging.Consuming;
using Dtc.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Worker.Fulfilment;

/// <summary>
/// <c>sync.order-to-fulfilment</c>: makes the partner match the order. A placed order not yet synchronised
/// is pushed (idempotent on the order id) and the partner's reference recorded; one already synchronised
/// is left alone; a cancelled one is cancelled at the partner (404, never got it, is fine; 409, already
/// shipped, is logged for support). The API writes this job with every placement and cancellation; the
/// cron writes it again for a placement the partner never acknowledged.
/// </summary>
public sealed partial class OrderSyncHandler(DtcDbContext db, IFulfilmentPartner partner, WorkerTelemetry telemetry,
    TimeProvider clock, ILogger<OrderSyncHandler> logger) : IMessageHandler<SyncOrderToFulfilment>
{
    public Task HandleAsync(SyncOrderToFulfilment job, MessageContext context, CancellationToken ct) => SyncAsync(job.OrderId, ct);

    async Task SyncAsync(Guid orderId, CancellationToken ct)
    {
        var order = await db.Orders.Include(o => o.Lines).SingleOrDefaultAsync(o => o.Id == orderId, ct)
            ?? throw new PoisonMessageException("unknown-order", $"Order {orderId} does not exist.");
        try
        {
            if (order.Status == OrderStatus.Cancelled)
            {
                var outcome = await partner.CancelAsync(order.Id, ct);
                telemetry.Fulfilment("cancel", outcome.ToString().ToLowerInvariant());
                if (outcome == CancelOutcome.TooLate) LogTooLate(order.Id);
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
            telemetry.Fulfilment(order.Status == OrderStatus.Cancelled ? "cancel" : "place", "rejected");
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

    [LoggerMessage(LogLevel.Warning, "Order {OrderId} was cancelled after the partner shipped it")]
    partial void LogTooLate(Guid orderId);
}
