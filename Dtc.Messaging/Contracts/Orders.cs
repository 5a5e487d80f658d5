namespace Dtc.Messaging.Contracts;

public sealed record OrderLineData(string ProductCode, int Quantity, decimal UnitPrice);

public sealed record OrderPlaced(Guid OrderId, Guid CustomerId, IReadOnlyList<OrderLineData> Lines, AddressData ShippingAddress, DateTimeOffset PlacedAt) : IMessage
{
    public static string MessageType => "order.placed";
}

public sealed record OrderCancelled(Guid OrderId, Guid CustomerId, DateTimeOffset CancelledAt) : IMessage
{
    public static string MessageType => "order.cancelled";
}
