namespace Dtc.Worker.Fulfilment;

/// <summary>Development without a partner (<c>Fulfilment:Simulate=true</c>): accepts everything.</summary>
public sealed class SimulatedFulfilmentPartner : IFulfilmentPartner
{
    public Task<string> PlaceAsync(FulfilmentOrder order, CancellationToken ct) =>
        Task.FromResult($"SIM-{order.OrderId.ToString("N")[..12].ToUpperInvariant()}");

    public Task<CancelOutcome> CancelAsync(Guid orderId, CancellationToken ct) => Task.FromResult(CancelOutcome.Cancelled);
}
