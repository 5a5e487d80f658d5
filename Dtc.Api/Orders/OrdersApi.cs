using System.Security.Claims;
using Dtc.Api.Http;
using Dtc.Data;
using Dtc.Data.Orders;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Outbox;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Api.Orders;

/// <summary>Kit orders. Placing one needs an Idempotency-Key: a retried request returns the order the first one created.</summary>
public static partial class OrdersApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static RouteGroupBuilder MapOrdersApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/orders").WithTags("Orders");
        group.MapPost("/", PlaceAsync).WithName("PlaceOrder")
            .WithSummary("Place an order. Send an Idempotency-Key header; repeating it returns the same order.");
        group.MapGet("/", ListAsync).WithName("ListOrders").WithSummary("List my orders, newest first.");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetOrder").WithSummary("Read one of my orders.");
        group.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelOrder")
            .WithSummary("Cancel an order that has not shipped (cancelling it again changes nothing).");
        return group;
    }

    static async Task<Results<Ok<Page<OrderResponse>>, ValidationProblem>> ListAsync(
        ClaimsPrincipal user, DtcDbContext db, string? cursor, int? limit, CancellationToken ct)
    {
        var errors = Cursor.Check(cursor, limit, out var after, out var take);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var me = user.PatientId();
        var query = db.Orders.AsNoTracking().Where(o => o.CustomerId == me);
        if (after is { } c) query = query.Where(o => EF.Functions.LessThan(ValueTuple.Create(o.CreatedAt, o.Id), ValueTuple.Create(c.At, c.Id)));
        var rows = await query.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).Take(take + 1).Select(OrderResponse.Projection).ToListAsync(ct);
        return TypedResults.Ok(Cursor.PageOf(rows, take, o => new Cursor(o.CreatedAt, o.Id)));
    }

    static async Task<Results<Ok<OrderResponse>, NotFound>> GetAsync(Guid id, ClaimsPrincipal user, DtcDbContext db, CancellationToken ct)
    {
        var me = user.PatientId();
        return await db.Orders.AsNoTracking().Where(o => o.Id == id && o.CustomerId == me).Select(OrderResponse.Projection).SingleOrDefaultAsync(ct) is { } order
            ? TypedResults.Ok(order)
            : TypedResults.NotFound();
    }

    static async Task<Results<Ok<OrderResponse>, NotFound, ProblemHttpResult>> CancelAsync(
        Guid id, ClaimsPrincipal user, DtcDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var me = user.PatientId();
        var now = clock.Now();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Conditional on the status, so a shipment recorded meanwhile wins and the cancel answers 409.
        var cancelled = await db.Orders.Where(o => o.Id == id && o.CustomerId == me && o.Status == OrderStatus.Placed)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Cancelled).SetProperty(o => o.CancelledAt, now).SetProperty(o => o.UpdatedAt, now), ct);
        if (cancelled == 1)
        {
            db.Publish(new OrderCancelled(id, me, now));
            db.Publish(new SyncOrderToFulfilment(id));
            await db.SaveChangesAsync(ct);
        }
        var order = await db.Orders.AsNoTracking().Where(o => o.Id == id && o.CustomerId == me).Select(OrderResponse.Projection).SingleOrDefaultAsync(ct);
        await transaction.CommitAsync(ct);
        if (order is null) return TypedResults.NotFound();
        if (order.Status != OrderStatus.Cancelled)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The order can no longer be cancelled",
                detail: $"It is {order.Status}.", extensions: new Dictionary<string, object?> { ["code"] = "order-not-cancellable" });
        }
        return TypedResults.Ok(order);
    }
}
