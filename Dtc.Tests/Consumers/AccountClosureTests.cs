using Dtc.Consumers;
using Dtc.Data.Accounts;
using Dtc.Data.Customers;
using Dtc.Data.Kits;
using Dtc.Data.Notifications;
using Dtc.Data.Orders;
using Dtc.Data.Results;
using Dtc.Messaging;
using Dtc.Messaging.Contracts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtc.Tests.Consumers;

/// <summary>README "Account closure and retention", rule by rule.</summary>
public sealed class AccountClosureTests
{
    [Fact]
    public async Task ClosureRevokesEverySessionAndNoOneCanSignInAgain()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.Customer);
        var customer = await bed.AddCustomerAsync();
        var earlier = DateTimeOffset.UtcNow.AddDays(-1);
        string stampBefore;
        await using (var db = bed.Db())
        {
            db.RefreshTokens.AddRange(Token(customer.Id, revokedAt: null), Token(customer.Id, revokedAt: null), Token(customer.Id, revokedAt: earlier));
            db.UserLogins.Add(new IdentityUserLogin<Guid> { UserId = customer.Id, LoginProvider = "Google", ProviderKey = "g-123", ProviderDisplayName = "Google" });
            await db.SaveChangesAsync();
            stampBefore = (await db.Users.SingleAsync(u => u.Id == customer.Id)).SecurityStamp!;
        }

        await CloseAsync(bed, customer.Id);

        await using var check = bed.Db();
        var tokens = await check.RefreshTokens.Where(t => t.UserId == customer.Id).ToListAsync();
        Assert.All(tokens, t => Assert.NotNull(t.RevokedAt));
        Assert.Single(tokens, t => t.RevokedAt!.Value.ToUnixTimeSeconds() == earlier.ToUnixTimeSeconds()); // an earlier revocation is kept as it was
        Assert.False(await check.UserLogins.AnyAsync(l => l.UserId == customer.Id));
        await using var scope = bed.Host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DtcUser>>();
        Assert.Null(await users.FindByEmailAsync(customer.Email));
        var user = (await users.FindByIdAsync(customer.Id.ToString()))!;
        Assert.NotEqual(stampBefore, user.SecurityStamp);
        Assert.True(await users.IsLockedOutAsync(user));
        Assert.False(await users.CheckPasswordAsync(user, ConsumerTestBed.Password));
    }

    [Fact]
    public async Task ClosureStopsEveryNotificationStillToBeSent()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.Customer);
        var customer = await bed.AddCustomerAsync();
        await using (var db = bed.Db())
        {
            db.Notifications.AddRange(Notice(customer.Id, DeliveryStatus.Queued, NotificationChannel.Email), Notice(customer.Id, DeliveryStatus.Sent, NotificationChannel.InApp));
            await db.SaveChangesAsync();
        }

        await CloseAsync(bed, customer.Id);

        await using var check = bed.Db();
        var closed = await check.Customers.SingleAsync(c => c.Id == customer.Id);
        Assert.Equal((false, false, false), (closed.Preferences.ResultsByEmail, closed.Preferences.ResultsBySms, closed.Preferences.Marketing));
        var notices = await check.Notifications.Where(n => n.CustomerId == customer.Id).ToDictionaryAsync(n => n.Channel, n => n.Status);
        Assert.Equal(DeliveryStatus.Skipped, notices[NotificationChannel.Email]);
        Assert.Equal(DeliveryStatus.Sent, notices[NotificationChannel.InApp]);
    }

    [Fact]
    public async Task ClosureAnonymisesContactDataButKeepsWhatTheLabMustRetain()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.Customer);
        var customer = await bed.AddCustomerAsync();
        var kitId = Guid.CreateVersion7();
        var shipped = await bed.AddOrderAsync(customer.Id);
        var placed = await bed.AddOrderAsync(customer.Id);
        await using (var db = bed.Db())
        {
            await db.Orders.Where(o => o.Id == shipped.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Shipped));
            db.Kits.Add(new Kit
            {
                Id = kitId, Barcode = ConsumerTestBed.NewBarcode(), OrderId = shipped.Id, ProductCode = "LIPID", CustomerId = customer.Id,
                Status = KitStatus.Resulted, ExpiresOn = new DateOnly(2030, 1, 1), ShippedAt = DateTimeOffset.UtcNow.AddDays(-9),
            });
            db.LabReports.Add(new LabReport
            {
                Id = Guid.CreateVersion7(), KitId = kitId, CustomerId = customer.Id, Accession = "ACC-1", PanelCode = "57698-3",
                Status = ReportStatus.Final, CurrentVersion = 1, IssuedAt = DateTimeOffset.UtcNow, ReceivedAt = DateTimeOffset.UtcNow, Released = true,
            });
            db.AuditEvents.Add(new() { OccurredAt = DateTimeOffset.UtcNow, ActorId = customer.Id, Action = "result.read", CustomerId = customer.Id, ResourceType = "result" });
            await db.SaveChangesAsync();
        }

        await CloseAsync(bed, customer.Id);

        await using var check = bed.Db();
        var closed = await check.Customers.SingleAsync(c => c.Id == customer.Id);
        Assert.NotEqual(customer.Email, closed.Email);
        Assert.EndsWith(".invalid", closed.Email);
        Assert.Null(closed.Phone);
        Assert.Null(closed.ShippingAddress);
        // The lab's record of who gave the sample: patient number, name and birth date.
        Assert.Equal((customer.PatientNumber, customer.GivenName, customer.FamilyName, customer.DateOfBirth),
            (closed.PatientNumber, closed.GivenName, closed.FamilyName, closed.DateOfBirth));
        Assert.Equal(customer.Id, (await check.Kits.SingleAsync(k => k.Id == kitId)).CustomerId);
        Assert.Equal(1, await check.LabReports.CountAsync(r => r.CustomerId == customer.Id));
        Assert.Equal(["customer.closed", "result.read"], await check.AuditEvents.Where(a => a.CustomerId == customer.Id).Select(a => a.Action).OrderBy(a => a).ToListAsync());
        var orders = await check.Orders.Where(o => o.CustomerId == customer.Id).ToDictionaryAsync(o => o.Id);
        Assert.All(orders.Values, o => Assert.Equal(("", "", "US"), (o.ShippingAddress.Line1, o.ShippingAddress.PostalCode, o.ShippingAddress.Country)));
        Assert.Equal(OrderStatus.Shipped, orders[shipped.Id].Status);
        Assert.Equal(OrderStatus.Cancelled, orders[placed.Id].Status); // nothing can be shipped to an erased address
        Assert.Equal(placed.Id, Assert.Single(await bed.PublishedAsync<OrderCancelled>()).OrderId);
    }

    [Fact]
    public async Task ClosureRequestedTwiceClosesOnceAndLaterUpdatesWriteNothingBack()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.Customer);
        var customer = await bed.AddCustomerAsync();
        await bed.AddOrderAsync(customer.Id);
        var closedAt = await CloseAsync(bed, customer.Id);

        await bed.External.PublishAsync(new CustomerClosureRequested(customer.Id, DateTimeOffset.UtcNow));
        await bed.External.PublishAsync(new CrmCustomerUpdated(customer.Id, 9, DateTimeOffset.UtcNow, "back@example.com", "Ana", "Rivera", "+15555550100", null, true));
        await bed.External.PublishAsync(new CustomerPreferencesChanged(customer.Id, 10, true, true, true));
        await bed.HandledAsync(Topology.Queues.Customer, 4);

        await using var db = bed.Db();
        var closed = await db.Customers.SingleAsync(c => c.Id == customer.Id);
        Assert.Equal(closedAt, closed.ClosedAt);
        Assert.Null(closed.Phone);
        Assert.NotEqual("back@example.com", closed.Email);
        Assert.False(closed.Preferences.ResultsByEmail || closed.Preferences.ResultsBySms || closed.Preferences.Marketing);
        Assert.Equal(1, await db.AuditEvents.CountAsync(a => a.CustomerId == customer.Id && a.Action == "customer.closed"));
        Assert.Single(await bed.PublishedAsync<OrderCancelled>());
        Assert.Empty(await bed.PublishedAsync<FulfilmentContactChanged>());
        Assert.Equal(2, bed.Metrics.Sum("dtc.customers.updates", "outcome=closed"));
    }

    static async Task<DateTimeOffset> CloseAsync(ConsumerTestBed bed, Guid customerId)
    {
        await bed.External.PublishAsync(new CustomerClosureRequested(customerId, DateTimeOffset.UtcNow));
        var closed = await Infrastructure.Eventually.Until(async () =>
        {
            await using var db = bed.Db();
            return await db.Customers.AsNoTracking().SingleAsync(c => c.Id == customerId);
        }, c => c.ClosedAt is not null, $"customer {customerId} closed");
        Assert.NotNull(closed.ClosureRequestedAt);
        return closed.ClosedAt!.Value;
    }

    static RefreshToken Token(Guid userId, DateTimeOffset? revokedAt) => new()
    {
        Id = Guid.CreateVersion7(), UserId = userId, TokenHash = Guid.NewGuid().ToString("N"), FamilyId = Guid.NewGuid(),
        CreatedAt = DateTimeOffset.UtcNow.AddDays(-2), ExpiresAt = DateTimeOffset.UtcNow.AddDays(10), RevokedAt = revokedAt,
    };

    static Notification Notice(Guid customerId, string status, string channel) => new()
    {
        Id = Guid.CreateVersion7(), CustomerId = customerId, Channel = channel, Template = "result-ready", Title = "Your result is ready",
        DedupeKey = $"test:{Guid.NewGuid()}", Status = status, CreatedAt = DateTimeOffset.UtcNow,
    };
}
