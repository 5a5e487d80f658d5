using Dtc.Consumers;
using Dtc.Data.Accounts;
using Dtc.Data.Notifications;
using Dtc.Messaging;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Outbox;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtc.Tests.Consumers;

public sealed class CustomerUpdateTests
{
    static readonly AddressData newAddress = new("9 Elm Rd", "Apt 2", "Portland", "OR", "97201", "US");

    static CrmCustomerUpdated Crm(Guid customerId, long version, string? phone = null, string? givenName = null,
        AddressData? address = null, bool? marketing = null, string? email = null) =>
        new(customerId, version, DateTimeOffset.UtcNow, email, givenName, null, phone, address, marketing);

    [Fact]
    public async Task CrmUpdateChangesOnlyTheFieldsItSetsAndTellsFulfilment()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.Customer);
        var customer = await bed.AddCustomerAsync();

        await bed.External.PublishAsync(Crm(customer.Id, 2, phone: "+15555550199", address: newAddress));
        await bed.HandledAsync(Topology.Queues.Customer, 1);

        await using var db = bed.Db();
        var now = await db.Customers.AsNoTracking().SingleAsync(c => c.Id == customer.Id);
        Assert.Equal((2L, "+15555550199", "Portland"), (now.Version, now.Phone, now.ShippingAddress!.City));
        Assert.Equal((customer.GivenName, customer.FamilyName, customer.Email, customer.DateOfBirth), (now.GivenName, now.FamilyName, now.Email, now.DateOfBirth));
        Assert.Equal(customer.Preferences.Marketing, now.Preferences.Marketing);
        var (contact, _) = await bed.TakeAsync<FulfilmentContactChanged>("fulfilment.outbound");
        Assert.Equal((customer.Id, 2L, "+15555550199", newAddress), (contact.CustomerId, contact.Version, contact.Phone, contact.ShippingAddress));
        Assert.Equal(1, await db.AuditEvents.CountAsync(a => a.CustomerId == customer.Id && a.Action == "customer.crm-update-applied"));
    }

    [Fact]
    public async Task CrmUpdateOfMarketingAloneDoesNotBotherFulfilment()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.Customer);
        var customer = await bed.AddCustomerAsync();

        await bed.External.PublishAsync(Crm(customer.Id, 2, marketing: true));
        await bed.HandledAsync(Topology.Queues.Customer, 1);

        await using var db = bed.Db();
        Assert.True((await db.Customers.SingleAsync(c => c.Id == customer.Id)).Preferences.Marketing);
        Assert.Empty(await bed.PublishedAsync<FulfilmentContactChanged>());
    }

    [Fact]
    public async Task OlderCrmUpdateArrivingLateNeverOverwritesANewerOne()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.Customer);
        var customer = await bed.AddCustomerAsync();

        // Late: after the newer one was handled (sent together, the queue's lanes could handle both at once).
        await bed.External.PublishAsync(Crm(customer.Id, 3, phone: "+15555550103"));
        await bed.HandledAsync(Topology.Queues.Customer, 1);
        await bed.External.PublishAsync(Crm(customer.Id, 2, phone: "+15555550102", givenName: "Anna"));
        await bed.HandledAsync(Topology.Queues.Customer, 2);

        await using var db = bed.Db();
        var now = await db.Customers.SingleAsync(c => c.Id == customer.Id);
        Assert.Equal((3L, "+15555550103", "Ana"), (now.Version, now.Phone, now.GivenName));
        Assert.Equal(1, bed.Metrics.Sum("dtc.customers.updates", "outcome=stale"));
    }

    [Fact]
    public async Task ProfileUpdatesAppliedInVersionOrderWhateverTheDeliveryOrder()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.Customer);
        var customer = await bed.AddCustomerAsync();
        CustomerProfileUpdated Profile(long version, string family) =>
            new(customer.Id, version, "Ana", family, new DateOnly(1985, 2, 14), "+15555550100", newAddress, "America/Los_Angeles");

        // Delivered newest first, each handled before the next arrives (sent together, the queue's lanes could
        // handle them at once, and commit an older one first).
        await bed.External.PublishAsync(Profile(4, "Rivera-Lopez"));
        await bed.HandledAsync(Topology.Queues.Customer, 1);
        await bed.External.PublishAsync(Profile(3, "Lopez"));
        await bed.HandledAsync(Topology.Queues.Customer, 2);
        await bed.External.PublishAsync(Profile(2, "Old"));
        await bed.HandledAsync(Topology.Queues.Customer, 3);

        await using var db = bed.Db();
        var now = await db.Customers.SingleAsync(c => c.Id == customer.Id);
        Assert.Equal((4L, "Rivera-Lopez", "America/Los_Angeles", "97201"), (now.Version, now.FamilyName, now.TimeZone, now.ShippingAddress!.PostalCode));
        // Fulfilment always hears the contact the row holds, never an older one.
        Assert.All(await bed.PublishedAsync<FulfilmentContactChanged>(), c => Assert.Equal(("Rivera-Lopez", 4L), (c.FamilyName, c.Version)));
    }

    [Fact]
    public async Task PreferencesChangedOutOfOrderKeepTheNewest()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.Customer);
        var customer = await bed.AddCustomerAsync();

        await bed.External.PublishAsync(new CustomerPreferencesChanged(customer.Id, 5, ResultsByEmail: false, ResultsBySms: true, Marketing: false));
        await bed.External.PublishAsync(new CustomerPreferencesChanged(customer.Id, 4, ResultsByEmail: true, ResultsBySms: false, Marketing: true));
        await bed.HandledAsync(Topology.Queues.Customer, 2);

        await using var db = bed.Db();
        var now = await db.Customers.SingleAsync(c => c.Id == customer.Id);
        Assert.Equal((5L, false, true, false), (now.Version, now.Preferences.ResultsByEmail, now.Preferences.ResultsBySms, now.Preferences.Marketing));
        Assert.Equal((21, 8), (now.Preferences.QuietHoursStart, now.Preferences.QuietHoursEnd));
    }

    [Fact]
    public async Task ProfileUpdateTheApiAlreadyWroteIsNotReappliedButFulfilmentHearsIt()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.Customer);
        var customer = await bed.AddCustomerAsync();
        // The API writes the patient's edit (version 2) and publishes it in the same transaction.
        await bed.Host.InScopeAsync(async db =>
        {
            var row = await db.Customers.SingleAsync(c => c.Id == customer.Id);
            row.Phone = "+15555550142";
            row.Version = 2;
            db.Publish(new CustomerProfileUpdated(customer.Id, 2, row.GivenName, row.FamilyName, row.DateOfBirth, row.Phone, null, row.TimeZone));
        });

        await bed.HandledAsync(Topology.Queues.Customer, 1);

        var contact = Assert.Single(await bed.PublishedAsync<FulfilmentContactChanged>());
        Assert.Equal(("+15555550142", "Springfield"), (contact.Phone, contact.ShippingAddress?.City));
        Assert.Equal(1, bed.Metrics.Sum("dtc.customers.updates", "outcome=already-applied"));
        await using var check = bed.Db();
        Assert.Equal(0, await check.AuditEvents.CountAsync(a => a.CustomerId == customer.Id)); // the API audits its own writes
    }

    [Fact]
    public async Task SameCrmMessageDeliveredTwiceHasOneEffect()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.Customer);
        var customer = await bed.AddCustomerAsync();
        var update = Crm(customer.Id, 2, phone: "+15555550177");

        var id = await bed.External.PublishAsync(update);
        await bed.External.PublishAsync(update, id);
        await bed.HandledAsync(Topology.Queues.Customer, 1);
        await bed.Metrics.UntilAsync("dtc.messaging.duplicates", null, 1);

        Assert.Single(await bed.PublishedAsync<FulfilmentContactChanged>());
        await using var db = bed.Db();
        Assert.Equal(1, await db.AuditEvents.CountAsync(a => a.CustomerId == customer.Id));
    }

    [Fact]
    public async Task CrmEmailChangeMovesTheSignInNameToo()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.Customer);
        var customer = await bed.AddCustomerAsync();
        var email = $"{Guid.NewGuid():N}@example.org";

        await bed.External.PublishAsync(Crm(customer.Id, 2, email: email));
        await bed.HandledAsync(Topology.Queues.Customer, 1);

        await using var scope = bed.Host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DtcUser>>();
        var user = await users.FindByEmailAsync(email);
        Assert.Equal(customer.Id, user?.Id);
        Assert.Equal(customer.Id, (await users.FindByNameAsync(email))?.Id);
        Assert.Null(await users.FindByEmailAsync(customer.Email));
        Assert.True(await users.CheckPasswordAsync(user!, ConsumerTestBed.Password));
        Assert.Equal(email, (await bed.PublishedAsync<FulfilmentContactChanged>()).Single().Email);
    }

    [Fact]
    public async Task CrmEmailTakenByAnotherAccountIsParkedAndChangesNothing()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.Customer);
        var customer = await bed.AddCustomerAsync();
        var other = await bed.AddCustomerAsync("Ben", "Okafor");

        await bed.External.PublishAsync(Crm(customer.Id, 2, email: other.Email, phone: "+15555550111"));

        var (_, properties) = await bed.TakeAsync<CrmCustomerUpdated>(Topology.ParkingQueue(Topology.Queues.Customer));
        Assert.Equal("email-taken", MessagingTelemetry.HeaderString(properties.Headers, Envelope.ParkedReasonCode));
        await using var db = bed.Db();
        var now = await db.Customers.SingleAsync(c => c.Id == customer.Id);
        Assert.Equal((customer.Email, customer.Phone, 1L), (now.Email, now.Phone, now.Version));
    }

    [Fact]
    public async Task CustomerRegisteredSentTwiceWelcomesOnce()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.Customer);
        var customer = await bed.AddCustomerAsync();
        var registered = new CustomerRegistered(customer.Id, customer.Email, customer.GivenName, customer.FamilyName, customer.DateOfBirth, 1);

        await bed.External.PublishAsync(registered);
        await bed.External.PublishAsync(registered); // a new message id: the dedupe key, not the inbox, stops it
        await bed.HandledAsync(Topology.Queues.Customer, 2);

        await using var db = bed.Db();
        var welcome = Assert.Single(await db.Notifications.Where(n => n.CustomerId == customer.Id).ToListAsync());
        Assert.Equal(("welcome", NotificationChannel.InApp), (welcome.Template, welcome.Channel));
    }
}
