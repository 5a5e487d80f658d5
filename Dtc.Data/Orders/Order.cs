using Dtc.Data.Customers;

namespace Dtc.Data.Orders;

public static class OrderStatus
{
    public const string Placed = "placed";
    public const string Shipped = "shipped";
    public const string Delivered = "delivered";
    public const string Cancelled = "cancelled";
}

public class Order
{
    public Guid Id { get; set; }
    public Guid CustomerId { get; set; }
    public string Status { get; set; } = OrderStatus.Placed;
    public required Address ShippingAddress { get; set; }
    /// <summary>The client's Idempotency-Key; unique per customer, so a replay finds the same order.</summary>
    public required string IdempotencyKey { get; set; }
    public decimal Total { get; set; }
    public string Currency { get; set; } = "USD";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    /// <summary>The fulfilment partner's reference, once the order was synchronised.</summary>
    public string? FulfilmentReference { get; set; }
    public DateTimeOffset? FulfilmentSyncedAt { get; set; }
    /// <summary>Last time the cron re-enqueued the sync of an order that was not synchronised in time.</summary>
    public DateTimeOffset? FulfilmentSyncRequestedAt { get; set; }
    public List<OrderLine> Lines { get; set; } = [];
    public uint RowVersion { get; set; }
}

public class OrderLine
{
    public Guid OrderId { get; set; }
    public required string ProductCode { get; set; }
    public int Quantity { get; set; }
    public decimal UnitPrice { get; set; }
}
