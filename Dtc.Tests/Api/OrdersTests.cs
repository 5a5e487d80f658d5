using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtc.Api.Http;
using Dtc.Api.Orders;
using Dtc.Data.Orders;
using Dtc.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.Api;

public sealed class OrdersTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    ApiFactory Api => fixture.Api;

    static readonly object address = new { line1 = "1 Main St", city = "Springfield", postalCode = "12345", country = "US" };

    static Task<HttpResponseMessage> PlaceAsync(Patient patient, object body, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.Add(OrdersApi.IdempotencyKeyHeader, key);
        return patient.Client.SendAsync(request);
    }

    static object Lipid(int quantity = 1) => new { lines = new[] { new { productCode = "LIPID", quantity } }, shippingAddress = address };

    async Task<List<string>> OutboxTypesForAsync(Guid orderId)
    {
        await using var db = fixture.Database.CreateContext();
        var rows = await db.Outbox.AsNoTracking().Where(m => m.Type.StartsWith("order.") || m.Type.StartsWith("sync.")).ToListAsync();
        return rows.Where(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("orderId").GetGuid() == orderId).Select(r => r.Type).ToList();
    }

    [Fact]
    public async Task PlacingAnOrderPricesItFromTheCatalogueAndQueuesFulfilment()
    {
        var patient = await Api.SignUpAsync();

        var response = await PlaceAsync(patient, Lipid(quantity: 2), Guid.NewGuid().ToString());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = (await response.Content.ReadFromJsonAsync<OrderResponse>())!;
        Assert.Equal($"/api/v1/orders/{order.Id}", response.Headers.Location!.OriginalString);
        Assert.Equal(OrderStatus.Placed, order.Status);
        Assert.Equal(98.00m, order.Total);
        Assert.Equal("Springfield", order.ShippingAddress.City);
        Assert.Equal([OrderPlaced.MessageType, SyncOrderToFulfilment.MessageType], (await OutboxTypesForAsync(order.Id)).Order());
    }

    [Fact]
    public async Task ReplayingTheIdempotencyKeyReturnsTheSameOrderAndPlacesNothingNew()
    {
        var patient = await Api.SignUpAsync();
        var key = Guid.NewGuid().ToString();
        var first = await (await PlaceAsync(patient, Lipid(), key)).Content.ReadFromJsonAsync<OrderResponse>();

        var replay = await PlaceAsync(patient, Lipid(), key);

        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues(OrdersApi.ReplayedHeader).Single());
        Assert.Equal(first!.Id, (await replay.Content.ReadFromJsonAsync<OrderResponse>())!.Id);
        await using var db = fixture.Database.CreateContext();
        Assert.Equal(1, await db.Orders.CountAsync(o => o.CustomerId == patient.Id));
        Assert.Equal(2, (await OutboxTypesForAsync(first.Id)).Count);
    }

    [Fact]
    public async Task ConcurrentRequestsWithOneKeyCreateOneOrder()
    {
        var patient = await Api.SignUpAsync();
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PlaceAsync(patient, Lipid(), key)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<OrderResponse>())!.Id));
        Assert.Single(ids.Distinct());
        await using var db = fixture.Database.CreateContext();
        Assert.Equal(1, await db.Orders.CountAsync(o => o.CustomerId == patient.Id));
    }

    [Fact]
    public async Task ReusingAKeyForADifferentOrderAnswers422()
    {
        var patient = await Api.SignUpAsync();
        var key = Guid.NewGuid().ToString();
        await PlaceAsync(patient, Lipid(), key);

        var different = await PlaceAsync(patient, Lipid(quantity: 3), key);

        Assert.Equal("idempotency-key-reused", (await ProblemAssert.IsProblemAsync(different, HttpStatusCode.UnprocessableEntity)).Code());
    }

    [Fact]
    public async Task AnOrderWithoutAnIdempotencyKeyOrWithBadLinesNamesTheProblem()
    {
        var patient = await Api.SignUpAsync();

        var noKey = await PlaceAsync(patient, Lipid(), key: null);
        var unknownProduct = await PlaceAsync(patient, new { lines = new[] { new { productCode = "NOPE", quantity = 1 } }, shippingAddress = address }, "k1");
        var badQuantity = await PlaceAsync(patient, new { lines = new[] { new { productCode = "A1C", quantity = 50 } }, shippingAddress = address }, "k2");
        var noLines = await PlaceAsync(patient, new { lines = Array.Empty<object>(), shippingAddress = address }, "k3");
        var twice = await PlaceAsync(patient, new { lines = new[] { new { productCode = "A1C", quantity = 1 }, new { productCode = "A1C", quantity = 1 } }, shippingAddress = address }, "k4");
        var noAddress = await PlaceAsync(patient, new { lines = new[] { new { productCode = "A1C", quantity = 1 } } }, "k5");

        await ProblemAssert.NamesFieldsAsync(noKey, OrdersApi.IdempotencyKeyHeader);
        await ProblemAssert.NamesFieldsAsync(unknownProduct, "lines[0].productCode");
        await ProblemAssert.NamesFieldsAsync(badQuantity, "lines[0].quantity");
        await ProblemAssert.NamesFieldsAsync(noLines, "lines");
        await ProblemAssert.NamesFieldsAsync(twice, "lines");
        await ProblemAssert.NamesFieldsAsync(noAddress, "shippingAddress");
        await using var db = fixture.Database.CreateContext();
        Assert.Equal(0, await db.Orders.CountAsync(o => o.CustomerId == patient.Id));
    }

    [Fact]
    public async Task WithoutAnAddressTheProfilesShippingAddressIsUsed()
    {
        var patient = await Api.SignUpAsync();
        await patient.Client.PutAsJsonAsync("/api/v1/me", new
        {
            givenName = "Ana", familyName = "Rivera", dateOfBirth = "1985-02-14", timeZone = "UTC", version = 1,
            shippingAddress = new { line1 = "9 Elm St", city = "Shelbyville", postalCode = "54321", country = "US" },
        });

        var response = await PlaceAsync(patient, new { lines = new[] { new { productCode = "A1C" } } }, Guid.NewGuid().ToString());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = (await response.Content.ReadFromJsonAsync<OrderResponse>())!;
        Assert.Equal("Shelbyville", order.ShippingAddress.City);
        Assert.Equal(1, Assert.Single(order.Lines).Quantity);
    }

    [Fact]
    public async Task TheClientCannotSetTheOrdersStatusCustomerOrPrice()
    {
        var patient = await Api.SignUpAsync();
        var other = await Api.SignUpAsync();

        var response = await PlaceAsync(patient, new
        {
            status = "shipped", customerId = other.Id, total = 0.01, id = Guid.NewGuid(),
            lines = new[] { new { productCode = "A1C", quantity = 1, unitPrice = 0.01 } }, shippingAddress = address,
        }, Guid.NewGuid().ToString());

        var order = (await response.Content.ReadFromJsonAsync<OrderResponse>())!;
        Assert.Equal((OrderStatus.Placed, 39.00m), (order.Status, order.Total));
        await using var db = fixture.Database.CreateContext();
        Assert.Equal(patient.Id, await db.Orders.Where(o => o.Id == order.Id).Select(o => o.CustomerId).SingleAsync());
    }

    [Fact]
    public async Task ListingPagesThroughMyOrdersNewestFirst()
    {
        var patient = await Api.SignUpAsync();
        var placed = new List<Guid>();
        for (var i = 0; i < 3; i++) placed.Add((await (await PlaceAsync(patient, Lipid(), Guid.NewGuid().ToString())).Content.ReadFromJsonAsync<OrderResponse>())!.Id);

        var first = (await patient.Client.GetFromJsonAsync<Page<OrderResponse>>("/api/v1/orders?limit=2"))!;
        var second = (await patient.Client.GetFromJsonAsync<Page<OrderResponse>>($"/api/v1/orders?limit=2&cursor={first.NextCursor}"))!;

        Assert.Equal(placed.AsEnumerable().Reverse(), first.Items.Concat(second.Items).Select(o => o.Id));
        Assert.Null(second.NextCursor);
        Assert.Equal(placed[0], (await patient.Client.GetFromJsonAsync<OrderResponse>($"/api/v1/orders/{placed[0]}"))!.Id);
    }

    [Fact]
    public async Task AListWithABadCursorOrLimitNamesTheParameter()
    {
        var patient = await Api.SignUpAsync();

        await ProblemAssert.NamesFieldsAsync(await patient.Client.GetAsync("/api/v1/orders?cursor=garbage"), "cursor");
        await ProblemAssert.NamesFieldsAsync(await patient.Client.GetAsync("/api/v1/orders?limit=0"), "limit");
        await ProblemAssert.NamesFieldsAsync(await patient.Client.GetAsync("/api/v1/orders?limit=lots"), "limit");
        var capped = await patient.Client.GetAsync("/api/v1/orders?limit=100000");
        Assert.Equal(HttpStatusCode.OK, capped.StatusCode);
    }

    [Fact]
    public async Task CancellingAPlacedOrderCancelsItOnceAndPublishesIt()
    {
        var patient = await Api.SignUpAsync();
        var order = (await (await PlaceAsync(patient, Lipid(), Guid.NewGuid().ToString())).Content.ReadFromJsonAsync<OrderResponse>())!;

        var first = await patient.Client.PostAsync($"/api/v1/orders/{order.Id}/cancel", null);
        var again = await patient.Client.PostAsync($"/api/v1/orders/{order.Id}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var cancelled = (await first.Content.ReadFromJsonAsync<OrderResponse>())!;
        Assert.Equal(OrderStatus.Cancelled, cancelled.Status);
        Assert.NotNull(cancelled.CancelledAt);
        var types = await OutboxTypesForAsync(order.Id);
        Assert.Single(types, t => t == OrderCancelled.MessageType);
        Assert.Equal(2, types.Count(t => t == SyncOrderToFulfilment.MessageType));
    }

    [Fact]
    public async Task AShippedOrderCannotBeCancelled()
    {
        var patient = await Api.SignUpAsync();
        var shipped = Seed.Order(patient.Id, OrderStatus.Shipped);
        await fixture.Database.SaveAsync(shipped);

        var response = await patient.Client.PostAsync($"/api/v1/orders/{shipped.Id}/cancel", null);

        Assert.Equal("order-not-cancellable", (await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict)).Code());
        Assert.Equal(OrderStatus.Shipped, (await patient.Client.GetFromJsonAsync<OrderResponse>($"/api/v1/orders/{shipped.Id}"))!.Status);
    }
}
