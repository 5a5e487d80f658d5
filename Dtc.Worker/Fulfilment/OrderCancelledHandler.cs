using Dtc.Messaging.Consuming;
using Dtc.Messaging.Contracts;

namespace Dtc.Worker.Fulfilment;

/// <summary>
/// <c>order.cancelled</c>: cancels at the partner. An order the partner never got answers "unknown",
/// which is fine (the sync will not push a cancelled order); one already shipped answers "too late",
/// which is recorded in the metrics and the log for support.
/// </summary>
public sealed partial class OrderCancelledHandler(IFulfilmentPartner partner, WorkerTelemetry telemetry, ILogger<OrderCancelledHandler> logger)
    : IMessageHandler<OrderCancelled>
{
    public async Task HandleAsync(OrderCancelled message, MessageContext context, CancellationToken ct)
    {
        CancelOutcome outcome;
        try { outcome = await partner.CancelAsync(message.OrderId, ct); }
        catch (FulfilmentRejectedException ex) { throw new PoisonMessageException("fulfilment-rejected", ex.Message, ex); }
        telemetry.Fulfilment("cancel", outcome.ToString().ToLowerInvariant());
        if (outcome == CancelOutcome.TooLate) LogTooLate(message.OrderId);
    }

    [LoggerMessage(LogLevel.Warning, "Order {OrderId} was cancelled after the partner shipped it")]
    partial void LogTooLate(Guid orderId);
}
