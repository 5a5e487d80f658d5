namespace Dtc.Worker.Fulfilment;

/// <summary>What the partner needs to ship an order: who to, where, and which kits.</summary>
public sealed record FulfilmentOrder(Guid OrderId, DateTimeOffset PlacedAt, FulfilmentRecipient Recipient, IReadOnlyList<FulfilmentLine> Lines);

public sealed record FulfilmentRecipient(string Name, string Line1, string? Line2, string City, string? Region, string PostalCode, string Country);

public sealed record FulfilmentLine(string ProductCode, int Quantity);

public enum CancelOutcome { Cancelled, Unknown, TooLate }

public interface IFulfilmentPartner
{
    /// <summary>Places the order (idempotent on the order id); returns the partner's reference.</summary>
    Task<string> PlaceAsync(FulfilmentOrder order, CancellationToken ct);

    Task<CancelOutcome> CancelAsync(Guid orderId, CancellationToken ct);
}

/// <summary>The partner refused the request for good (4xx): retrying cannot help.</summary>
public sealed class FulfilmentRejectedException(string message) : Exception(message);
