using System.ComponentModel.DataAnnotations;
using System.Linq.Expressions;
using Dtc.Api.Me;
using Dtc.Data.Orders;

namespace Dtc.Api.Orders;

public sealed record OrderLineRequest([Required, MaxLength(32)] string ProductCode, [Range(1, 5)] int Quantity = 1);

/// <summary>What to order; without a shipping address the profile's is used.</summary>
public sealed record PlaceOrderRequest([Required, MinLength(1), MaxLength(10)] List<OrderLineRequest> Lines, AddressDto? ShippingAddress) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (Lines is not null && Lines.Where(l => l?.ProductCode is not null).GroupBy(l => l.ProductCode).Any(g => g.Count() > 1))
        {
            yield return new ValidationResult("Each product may appear on one line only; use its quantity.", [nameof(Lines)]);
        }
    }
}

public sealed record OrderLineResponse(string ProductCode, int Quantity, decimal UnitPrice);

public sealed record OrderResponse(
    Guid Id, string Status, IReadOnlyList<OrderLineResponse> Lines, decimal Total, string Currency, AddressDto ShippingAddress,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CancelledAt)
{
    /// <summary>Whether <see cref="OrdersApi"/> may still cancel it.</summary>
    public bool Cancellable => Status == OrderStatus.Placed;

    public static OrderResponse From(Order o) => new(
        o.Id, o.Status, o.Lines.OrderBy(l => l.ProductCode, StringComparer.Ordinal).Select(l => new OrderLineResponse(l.ProductCode, l.Quantity, l.UnitPrice)).ToList(),
        o.Total, o.Currency, AddressDto.From(o.ShippingAddress)!, o.CreatedAt, o.UpdatedAt, o.CancelledAt);

    /// <summary>Same as <see cref="From"/>, for a query: read only the columns it needs.</summary>
    public static readonly Expression<Func<Order, OrderResponse>> Projection = o => new OrderResponse(
        o.Id, o.Status, o.Lines.OrderBy(l => l.ProductCode).Select(l => new OrderLineResponse(l.ProductCode, l.Quantity, l.UnitPrice)).ToList(),
        o.Total, o.Currency,
        new AddressDto(o.ShippingAddress.Line1, o.ShippingAddress.Line2, o.ShippingAddress.City, o.ShippingAddress.Region, o.ShippingAddress.PostalCode, o.ShippingAddress.Country),
        o.CreatedAt, o.UpdatedAt, o.CancelledAt);
}
