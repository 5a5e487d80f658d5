using Dtc.Messaging.Consuming;
using Dtc.Messaging.Contracts;

namespace Dtc.Worker.Fulfilment;

/// <summary>
/// <c>order.placed</c> and <c>order.cancelled</c> reach wrk.default by their route, and are acknowledged
/// without effect: the API writes a <c>sync.order-to-fulfilment</c> job in the same transaction as each
/// of them, and that job alone talks to the partner (one call per change, not two racing ones). A
/// placement whose job is lost or parked is re-enqueued by the cron's fulfilment reconciliation.
/// </summary>
public sealed class OrderEventsHandler : IMessageHandler<OrderPlaced>, IMessageHandler<OrderCancelled>
{
    public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken ct) => Task.CompletedTask;

    public Task HandleAsync(OrderCancelled message, MessageContext context, CancellationToken ct) => Task.CompletedTask;
}
