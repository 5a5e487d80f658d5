using System.Security.Claims;
using Dtc.Api.Http;
using Dtc.Api.Me;
using Dtc.Data;
using Dtc.Data.Customers;
using Dtc.Data.Orders;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Outbox;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Api.Orders;

public static partial class OrdersApi
{
    static async Task<Results<Created<OrderResponse>, ValidationProblem, ProblemHttpResult>> PlaceAsync(
        PlaceOrderRequest request, [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        ClaimsPrincipal user, HttpContext http, DtcDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(idempotencyKey) || idempotencyKey.Length > 128)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [IdempotencyKeyHeader] = ["Send an Idempotency-Key header of 1 to 128 characters (a new UUID per order is ideal)."],
            });
        }
        var me = user.PatientId();
        if (await FindAsync(db, me, idempotencyKey, ct) is { } earlier) return Replay(earlier, request, http);

        var codes = request.Lines.Select(l => l.ProductCode).ToList();
        var products = await db.Products.AsNoTracking().Where(p => codes.Contains(p.Code) && p.Active).ToDictionaryAsync(p => p.Code, ct);
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < request.Lines.Count; i++)
        {
            if (!products.ContainsKey(request.Lines[i].ProductCode)) errors[$"lines[{i}].productCode"] = ["No product on sale has this code."];
        }
        var address = request.ShippingAddress?.ToEntity()
            ?? (await db.Customers.AsNoTracking().SingleAsync(c => c.Id == me, ct)).ShippingAddress;
        if (address is null) errors["shippingAddress"] = ["Give a shipping address, or add one to the profile."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var now = clock.Now();
        var order = new Order
        {
            Id = Guid.CreateVersion7(),
            CustomerId = me,
            Status = OrderStatus.Placed,
            ShippingAddress = address!,
            IdempotencyKey = idempotencyKey,
            Lines = request.Lines.Select(l => new OrderLine { ProductCode = l.ProductCode, Quantity = l.Quantity, UnitPrice = products[l.ProductCode].Price }).ToList(),
            Currency = products.Values.First().Currency,
            CreatedAt = now,
            UpdatedAt = now,
        };
        order.Total = order.Lines.Sum(l => l.UnitPrice * l.Quantity);
        db.Orders.Add(order);
        db.Publish(new OrderPlaced(order.Id, me, order.Lines.Select(l => new OrderLineData(l.ProductCode, l.Quantity, l.UnitPrice)).ToList(),
            AddressDto.ToMessage(order.ShippingAddress)!, now));
        db.Publish(new SyncOrderToFulfilment(order.Id));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // The same key raced in on another request (or replica): answer with the order that won.
            db.ChangeTracker.Clear();
            return Replay((await FindAsync(db, me, idempotencyKey, ct))!, request, http);
        }
        return TypedResults.Created($"/api/v1/orders/{order.Id}", OrderResponse.From(order));
    }

    static Task<Order?> FindAsync(DtcDbContext db, Guid me, string key, CancellationToken ct) =>
        db.Orders.AsNoTracking().Include(o => o.Lines).SingleOrDefaultAsync(o => o.CustomerId == me && o.IdempotencyKey == key, ct);

    /// <summary>The first response again, unless the key now comes with a different order (a client bug: 422).</summary>
    static Results<Created<OrderResponse>, ValidationProblem, ProblemHttpResult> Replay(Order earlier, PlaceOrderRequest request, HttpContext http)
    {
        var sameLines = earlier.Lines.Select(l => (l.ProductCode, l.Quantity)).Order().SequenceEqual(request.Lines.Select(l => (l.ProductCode, l.Quantity)).Order());
        var sameAddress = request.ShippingAddress is null || SameAddress(earlier.ShippingAddress, request.ShippingAddress.ToEntity());
        if (!sameLines || !sameAddress)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused for a different order",
                detail: "This key already placed another order; use a new key for a new order.",
                extensions: new Dictionary<string, object?> { ["code"] = "idempotency-key-reused", ["orderId"] = earlier.Id });
        }
        http.Response.Headers[ReplayedHeader] = "true";
        return TypedResults.Created($"/api/v1/orders/{earlier.Id}", OrderResponse.From(earlier));
    }

    static bool SameAddress(Address a, Address b) =>
        a.Line1 == b.Line1 && a.Line2 == b.Line2 && a.City == b.City && a.Region == b.Region && a.PostalCode == b.PostalCode && a.Country == b.Country;
}
