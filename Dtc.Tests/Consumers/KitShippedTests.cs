using Dtc.Consumers;
using Dtc.Data.Kits;
using Dtc.Data.Orders;
using Dtc.Messaging;
using Dtc.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.Consumers;

public sealed class KitShippedTests
{
    [Fact]
    public async Task KitShippedAddsTheKitToTheInventoryAndMarksTheOrderShipped()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var customer = await bed.AddCustomerAsync();
        var order = await bed.AddOrderAsync(customer.Id, "A1C");
        var shippedAt = DateTimeOffset.UtcNow.AddDays(-2);
        var expires = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(200));
        var barcode = ConsumerTestBed.NewBarcode();

        // Fulfilment may print it as the patient reads it; the inventory keeps the digits.
        await bed.External.PublishAsync(new KitShipped(order.Id, $"{barcode[..4]}-{barcode[4..8]} {barcode[8..]}", "A1C", expires, shippedAt));

        var kit = await bed.KitAsync(barcode);
        Assert.Equal(order.Id, kit.OrderId);
        Assert.Equal("A1C", kit.ProductCode);
        Assert.Equal(KitStatus.Shipped, kit.Status);
        Assert.Equal(expires, kit.ExpiresOn);
        Assert.Equal(shippedAt.ToUnixTimeMilliseconds(), kit.ShippedAt.ToUnixTimeMilliseconds());
        Assert.Null(kit.CustomerId);
        await using var db = bed.Db();
        Assert.Equal(OrderStatus.Shipped, (await db.Orders.SingleAsync(o => o.Id == order.Id)).Status);
        var told = Assert.Single(await bed.PublishedAsync<NotificationSend>());
        Assert.Equal((customer.Id, "order-shipped", $"order-shipped:{order.Id}"), (told.CustomerId, told.Template, told.DedupeKey));
    }

    [Fact]
    public async Task KitShippedAgainAddsNothingWhateverTheMessageId()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var customer = await bed.AddCustomerAsync();
        var order = await bed.AddOrderAsync(customer.Id);
        var shipped = new KitShipped(order.Id, ConsumerTestBed.NewBarcode(), "LIPID", DateOnly.FromDateTime(DateTime.UtcNow.AddDays(90)), DateTimeOffset.UtcNow);

        var id = await bed.External.PublishAsync(shipped);
        await bed.External.PublishAsync(shipped, id);   // redelivered: the inbox drops it
        await bed.External.PublishAsync(shipped);       // sent again by fulfilment: same kit, no second effect
        await bed.HandledAsync(Topology.Queues.HomekitRegister, 2);
        await bed.Metrics.UntilAsync("dtc.messaging.duplicates", null, 1);

        await using var db = bed.Db();
        Assert.Equal(1, await db.Kits.CountAsync(k => k.Barcode == shipped.Barcode));
        Assert.Single(await bed.PublishedAsync<NotificationSend>());
        Assert.Equal(1, bed.Metrics.Sum("dtc.kits.shipped"));
    }

    [Fact]
    public async Task KitShippedForAnUnknownOrderIsParkedWithItsReason()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var barcode = ConsumerTestBed.NewBarcode();

        await bed.External.PublishAsync(new KitShipped(Guid.NewGuid(), barcode, "LIPID", DateOnly.FromDateTime(DateTime.UtcNow.AddDays(90)), DateTimeOffset.UtcNow));

        var (_, properties) = await bed.TakeAsync<KitShipped>(Topology.ParkingQueue(Topology.Queues.HomekitRegister));
        Assert.Equal("unknown-order", MessagingTelemetry.HeaderString(properties.Headers, Envelope.ParkedReasonCode));
        await using var db = bed.Db();
        Assert.False(await db.Kits.AnyAsync(k => k.Barcode == barcode));
    }

    [Fact]
    public async Task SameBarcodeShippedForAnotherOrderIsParkedAndTheFirstKitStays()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var customer = await bed.AddCustomerAsync();
        var first = await bed.ShipKitAsync((await bed.AddOrderAsync(customer.Id)).Id);
        var other = await bed.AddOrderAsync(customer.Id);

        await bed.External.PublishAsync(new KitShipped(other.Id, first.Barcode, "LIPID", first.ExpiresOn, DateTimeOffset.UtcNow));

        var (_, properties) = await bed.TakeAsync<KitShipped>(Topology.ParkingQueue(Topology.Queues.HomekitRegister));
        Assert.Equal("barcode-conflict", MessagingTelemetry.HeaderString(properties.Headers, Envelope.ParkedReasonCode));
        Assert.Equal(first.OrderId, (await bed.KitAsync(first.Barcode)).OrderId);
    }
}
