using System.Security.Cryptography;
using System.Text.Json;
using Dtc.Consumers;
using Dtc.Consumers.Kits;
using Dtc.Data;
using Dtc.Data.Accounts;
using Dtc.Data.Customers;
using Dtc.Data.Kits;
using Dtc.Data.Orders;
using Dtc.Messaging;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Outbox;
using Dtc.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Dtc.Tests.Consumers;

/// <summary>
/// A consumer role (one or more replicas) on a database and virtual host of its own, with the helpers its
/// tests share: customers with sign-in accounts, orders, shipped kits, registrations sent as the API sends them.
/// </summary>
public sealed class ConsumerTestBed : IAsyncDisposable
{
    public const string Password = "Correct-horse-battery-9";
    static readonly JsonSerializerOptions json = new(JsonSerializerDefaults.Web);

    public required TestDatabase Database { get; init; }
    public required TestBroker Broker { get; init; }
    public required IReadOnlyList<ServiceHost> Hosts { get; init; }
    public required ExternalPublisher External { get; init; }
    public required MetricProbe Metrics { get; init; }
    public ServiceHost Host => Hosts[0];

    public static async Task<ConsumerTestBed> StartAsync(ConsumerRole role, int replicas = 1)
    {
        var database = await TestDatabase.CreateAsync();
        var broker = await TestBroker.CreateAsync();
        var hosts = new List<ServiceHost>();
        for (var i = 0; i < replicas; i++)
        {
            hosts.Add(await ServiceHost.StartAsync(database, broker, b =>
            {
                b.AddConsumerRole(role);
                // For the tests' own set-up and checks (accounts with passwords, lockout): the API's Identity.
                b.Services.AddIdentityCore<DtcUser>().AddEntityFrameworkStores<DtcDbContext>();
            }));
        }
        return new ConsumerTestBed
        {
            Database = database, Broker = broker, Hosts = hosts,
            External = await ExternalPublisher.ConnectAsync(broker),
            Metrics = MetricProbe.Start(hosts.Select(h => h.Services)),
        };
    }

    public DtcDbContext Db() => Database.CreateContext();

    public async Task<Customer> AddCustomerAsync(string givenName = "Ana", string familyName = "Rivera", bool withBirthDate = true)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DtcUser>>();
        var email = $"{Guid.NewGuid():N}@example.com";
        var user = new DtcUser { Id = Guid.CreateVersion7(), UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, Password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        var now = DateTimeOffset.UtcNow;
        var customer = new Customer
        {
            Id = user.Id,
            PatientNumber = "PAT-" + RandomNumberGenerator.GetInt32(0, int.MaxValue).ToString("D10"),
            Email = email,
            EmailVerified = true,
            GivenName = givenName,
            FamilyName = familyName,
            DateOfBirth = withBirthDate ? new DateOnly(1985, 2, 14) : null,
            Phone = "+15555550100",
            ShippingAddress = new Address { Line1 = "1 Main St", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" },
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        var db = scope.ServiceProvider.GetRequiredService<DtcDbContext>();
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
        return customer;
    }

    public async Task<Order> AddOrderAsync(Guid customerId, string productCode = "LIPID")
    {
        var now = DateTimeOffset.UtcNow;
        var order = new Order
        {
            Id = Guid.CreateVersion7(),
            CustomerId = customerId,
            ShippingAddress = new Address { Line1 = "1 Main St", City = "Springfield", PostalCode = "62701", Country = "US" },
            IdempotencyKey = Guid.NewGuid().ToString(),
            Total = 49m,
            CreatedAt = now,
            UpdatedAt = now,
            Lines = [new OrderLine { ProductCode = productCode, Quantity = 1, UnitPrice = 49m }],
        };
        await using var db = Db();
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        return order;
    }

    public static string NewBarcode()
    {
        var payload = RandomNumberGenerator.GetInt32(0, int.MaxValue).ToString("D10");
        return payload + KitBarcode.CheckDigit(payload);
    }

    /// <summary>Fulfilment ships a kit for the order (through the broker); returns once the kit is in the inventory.</summary>
    public async Task<Kit> ShipKitAsync(Guid orderId, string productCode = "LIPID", DateOnly? expiresOn = null, DateTimeOffset? shippedAt = null)
    {
        var barcode = NewBarcode();
        await External.PublishAsync(new KitShipped(orderId, barcode, productCode,
            expiresOn ?? DateOnly.FromDateTime(DateTime.UtcNow.AddDays(180)), shippedAt ?? DateTimeOffset.UtcNow.AddDays(-3)));
        return await KitAsync(barcode);
    }

    /// <summary>A customer with an order and a kit shipped for it.</summary>
    public async Task<(Customer Customer, Order Order, Kit Kit)> CustomerWithKitAsync()
    {
        var customer = await AddCustomerAsync();
        var order = await AddOrderAsync(customer.Id);
        return (customer, order, await ShipKitAsync(order.Id));
    }

    public async Task<Kit> KitAsync(string barcode) => await Eventually.Until(async () =>
    {
        await using var db = Db();
        return await db.Kits.AsNoTracking().SingleOrDefaultAsync(k => k.Barcode == barcode);
    }, kit => kit is not null, $"kit {barcode} in the inventory") ?? throw new InvalidOperationException();

    public static KitRegistrationRequested Request(Guid customerId, string barcode, DateTimeOffset? collectedAt = null,
        bool consentToTesting = true, bool consentToResearch = false) =>
        new(Guid.CreateVersion7(), customerId, barcode, collectedAt ?? DateTimeOffset.UtcNow.AddHours(-1),
            consentToTesting, consentToResearch, DateTimeOffset.UtcNow);

    /// <summary>As the API does: the pending row and the message in one transaction, through the outbox of a host.</summary>
    public Task SendAsync(params KitRegistrationRequested[] requests) => Host.InScopeAsync(db =>
    {
        foreach (var request in requests)
        {
            db.KitRegistrations.Add(new KitRegistration
            {
                Id = request.RegistrationId,
                CustomerId = request.CustomerId,
                Barcode = request.Barcode,
                CollectedAt = request.CollectedAt,
                ConsentToTesting = request.ConsentToTesting,
                ConsentToResearch = request.ConsentToResearch,
                RequestedAt = request.RequestedAt,
            });
            db.Publish(request);
        }
        return Task.CompletedTask;
    });

    /// <summary>Sends a registration request and returns the registration once it is decided.</summary>
    public async Task<KitRegistration> RegisterAsync(KitRegistrationRequested request)
    {
        await SendAsync(request);
        return await DecidedAsync(request.RegistrationId);
    }

    public async Task<KitRegistration> DecidedAsync(Guid registrationId) => (await Eventually.Until(async () =>
    {
        await using var db = Db();
        return await db.KitRegistrations.AsNoTracking().SingleOrDefaultAsync(r => r.Id == registrationId);
    }, r => r is { Status: not RegistrationStatus.Pending }, $"a decision on registration {registrationId}"))!;

    /// <summary>The messages of one type the services wrote to the outbox (what they published, or will).</summary>
    public async Task<List<T>> PublishedAsync<T>() where T : IMessage
    {
        await using var db = Db();
        var type = T.MessageType;
        var bodies = await db.Outbox.Where(o => o.Type == type).OrderBy(o => o.Seq).Select(o => o.Body).ToListAsync();
        return bodies.Select(b => JsonSerializer.Deserialize<T>(b, json)!).ToList();
    }

    /// <summary>Waits until <paramref name="count"/> messages were handled (not duplicates) on the queue.</summary>
    public Task HandledAsync(string queue, int count) => Eventually.Until(async () =>
    {
        await using var db = Db();
        return await db.Inbox.CountAsync(i => i.Consumer == queue);
    }, n => n >= count, $"{count} messages handled on {queue}");

    /// <summary>Takes the next message from a queue of the broker (waiting for the relay to publish it).</summary>
    public async Task<(T Body, IReadOnlyBasicProperties Properties)> TakeAsync<T>(string queue)
    {
        await using var connection = await Broker.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var got = await Eventually.Until(() => channel.BasicGetAsync(queue, autoAck: true), r => r is not null, $"a message on {queue}");
        return (JsonSerializer.Deserialize<T>(got!.Body.Span, json)!, got.BasicProperties);
    }

    public async ValueTask DisposeAsync()
    {
        Metrics.Dispose();
        await External.DisposeAsync();
        foreach (var host in Hosts) await host.DisposeAsync();
        await Broker.DisposeAsync();
        await Database.DisposeAsync();
    }
}
