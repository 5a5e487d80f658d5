using System.Text.Json;
using Dtc.Data.Orders;
using Dtc.Messaging;
using Dtc.Messaging.Contracts;
using Dtc.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.Worker;

public sealed class FulfilmentSyncTests
{
    static (int, string) Accepted(RecordedRequest request, int n) =>
        request.Path.EndsWith("/cancel", StringComparison.Ordinal) ? (200, """{"status":"cancelled"}""") : (201, $$"""{"reference":"FUL-{{n}}"}""");

    static OrderPlaced Placed(Order order) => new(order.Id, order.CustomerId, [new OrderLineData("A1C", 1, 39m)],
        new AddressData("1 Test Street", null, "Springfield", null, "12345", "US"), order.CreatedAt);

    [Fact]
    public async Task PlacedOrderIsPushedOnceWithItsIdAsIdempotencyKeyAndTheReferenceRecorded()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        await using var partner = await RecordingHttpServer.StartAsync(Accepted);
        var customer = await Seed.CustomerAsync(db);
        var order = await Seed.OrderAsync(db, customer.Id);
        await using var worker = await WorkerTestKit.StartWorkerAsync(db, broker, partner: partner);
        await using var ext = await ExternalPublisher.ConnectAsync(broker);

        // What the API writes with a placement: the event and the job.
        await ext.PublishAsync(Placed(order));
        await ext.PublishAsync(new SyncOrderToFulfilment(order.Id));

        var synced = await Eventually.Until(() => Seed.QueryAsync(db, d => d.Orders.SingleAsync(o => o.Id == order.Id)),
            o => o.FulfilmentSyncedAt is not null, "the order synchronised");
        Assert.Equal("FUL-1", synced.FulfilmentReference);
        var request = Assert.Single(partner.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/orders", request.Path);
        Assert.Equal(order.Id.ToString(), request.Headers["Idempotency-Key"]);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(order.Id, body.RootElement.GetProperty("orderId").GetGuid());
        Assert.Equal("A1C", body.RootElement.GetProperty("lines")[0].GetProperty("productCode").GetString());
        Assert.Equal("Springfield", body.RootElement.GetProperty("recipient").GetProperty("city").GetString());

        // The reconciliation's job for an order already synchronised does not call the partner again.
        await ext.PublishAsync(new SyncOrderToFulfilment(order.Id));
        await Eventually.Until(() => WorkerTestKit.InboxCountAsync(db), n => n == 3, "every job handled");
        Assert.Single(partner.Requests);
    }

    [Fact]
    public async Task CancelledOrderIsCancelledAtThePartnerOnceAndNeverPlaced()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        await using var partner = await RecordingHttpServer.StartAsync(Accepted);
        var customer = await Seed.CustomerAsync(db);
        var order = await Seed.OrderAsync(db, customer.Id, o => (o.Status, o.CancelledAt) = (OrderStatus.Cancelled, DateTimeOffset.UtcNow));
        await using var worker = await WorkerTestKit.StartWorkerAsync(db, broker, partner: partner);
        await using var ext = await ExternalPublisher.ConnectAsync(broker);

        await ext.PublishAsync(new OrderCancelled(order.Id, customer.Id, DateTimeOffset.UtcNow));
        await ext.PublishAsync(new SyncOrderToFulfilment(order.Id));

        await Eventually.Until(() => WorkerTestKit.InboxCountAsync(db), n => n == 2, "both messages handled");
        var request = Assert.Single(partner.Requests);
        Assert.Equal($"/orders/{order.Id}/cancel", request.Path);
        Assert.Equal($"{order.Id}:cancel", request.Headers["Idempotency-Key"]);
        Assert.Null((await Seed.QueryAsync(db, d => d.Orders.SingleAsync(o => o.Id == order.Id))).FulfilmentReference);
    }

    [Fact]
    public async Task PartnerRejectionParksTheSyncJob()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        await using var partner = await RecordingHttpServer.StartAsync((_, _) => (422, """{"error":"unknown product"}"""));
        var customer = await Seed.CustomerAsync(db);
        var order = await Seed.OrderAsync(db, customer.Id);
        await using var worker = await WorkerTestKit.StartWorkerAsync(db, broker, partner: partner);
        await using var ext = await ExternalPublisher.ConnectAsync(broker);

        await ext.PublishAsync(new SyncOrderToFulfilment(order.Id));

        await Eventually.Until(() => broker.QueueDepthAsync(Topology.ParkingQueue(Topology.Queues.WorkerDefault)), n => n == 1, "the job parked");
        Assert.Single(partner.Requests);
        Assert.Null((await Seed.QueryAsync(db, d => d.Orders.SingleAsync(o => o.Id == order.Id))).FulfilmentSyncedAt);
    }
}
