using Dtc.Consumers;
using Dtc.Consumers.Kits;
using Dtc.Data.Kits;
using Dtc.Data.Orders;
using Dtc.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.Consumers;

/// <summary>Each rule of README "Kit registration rules", broken once, through the real queue and database.</summary>
public sealed class KitRegistrationRejectionTests
{
    [Fact]
    public async Task ClosedAccountCannotRegisterAKit()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var (customer, _, kit) = await bed.CustomerWithKitAsync();
        await using (var db = bed.Db()) await db.Customers.Where(c => c.Id == customer.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.ClosedAt, DateTimeOffset.UtcNow));

        var registration = await bed.RegisterAsync(ConsumerTestBed.Request(customer.Id, kit.Barcode));

        await AssertRejectedAsync(bed, registration, Rejections.AccountClosed, kit);
        // A closed account is not written to (the one job is the order-shipped notice from before).
        Assert.DoesNotContain(await bed.PublishedAsync<NotificationSend>(), n => n.Template.StartsWith("kit-"));
    }

    [Fact]
    public async Task BarcodeWithAWrongCheckDigitIsRejected()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var (customer, _, kit) = await bed.CustomerWithKitAsync();
        var wrong = kit.Barcode[..10] + (char)('0' + (kit.Barcode[10] - '0' + 1) % 10);

        var registration = await bed.RegisterAsync(ConsumerTestBed.Request(customer.Id, wrong));

        await AssertRejectedAsync(bed, registration, Rejections.InvalidBarcode, kit: null);
        Assert.Null((await bed.KitAsync(kit.Barcode)).CustomerId);
    }

    [Fact]
    public async Task RegistrationWithoutConsentToTestingIsRejected()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var (customer, _, kit) = await bed.CustomerWithKitAsync();

        var registration = await bed.RegisterAsync(ConsumerTestBed.Request(customer.Id, kit.Barcode, consentToTesting: false));

        await AssertRejectedAsync(bed, registration, Rejections.ConsentRequired, kit);
    }

    [Fact]
    public async Task CollectionTimeInTheFutureIsRejected()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var (customer, _, kit) = await bed.CustomerWithKitAsync();

        var registration = await bed.RegisterAsync(ConsumerTestBed.Request(customer.Id, kit.Barcode, DateTimeOffset.UtcNow.AddHours(2)));

        await AssertRejectedAsync(bed, registration, Rejections.CollectedInFuture, kit);
    }

    [Fact]
    public async Task BarcodeOfNoShippedKitIsRejectedAsNotFound()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var customer = await bed.AddCustomerAsync();

        var registration = await bed.RegisterAsync(ConsumerTestBed.Request(customer.Id, ConsumerTestBed.NewBarcode()));

        await AssertRejectedAsync(bed, registration, Rejections.KitNotFound, kit: null);
    }

    [Fact]
    public async Task KitRegisteredToAnotherPatientIsRejectedAndStaysTheirs()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var (owner, _, kit) = await bed.CustomerWithKitAsync();
        await bed.RegisterAsync(ConsumerTestBed.Request(owner.Id, kit.Barcode));
        var registered = await bed.KitAsync(kit.Barcode);
        var other = await bed.AddCustomerAsync("Ben", "Okafor");

        var registration = await bed.RegisterAsync(ConsumerTestBed.Request(other.Id, kit.Barcode));

        await AssertRejectedAsync(bed, registration, Rejections.RegisteredToSomeoneElse, registered, lisOrders: 1);
    }

    [Fact]
    public async Task KitWhoseSampleTheLabRejectedCannotBeRegisteredAgain()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var (customer, _, kit) = await bed.CustomerWithKitAsync();
        var request = ConsumerTestBed.Request(customer.Id, kit.Barcode);
        await bed.RegisterAsync(request);
        await using (var db = bed.Db()) await db.Kits.Where(k => k.Id == kit.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.Status, KitStatus.Rejected));
        var rejectedKit = await bed.KitAsync(kit.Barcode);

        var registration = await bed.RegisterAsync(request with { RegistrationId = Guid.CreateVersion7() });

        await AssertRejectedAsync(bed, registration, Rejections.KitUsed, rejectedKit, lisOrders: 1);
    }

    [Fact]
    public async Task SamePatientRegisteringAgainWithADifferentCollectionTimeIsRejected()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var (customer, _, kit) = await bed.CustomerWithKitAsync();
        var request = ConsumerTestBed.Request(customer.Id, kit.Barcode);
        await bed.RegisterAsync(request);
        var registered = await bed.KitAsync(kit.Barcode);

        var registration = await bed.RegisterAsync(request with { RegistrationId = Guid.CreateVersion7(), CollectedAt = request.CollectedAt.AddHours(-5) });

        await AssertRejectedAsync(bed, registration, Rejections.AlreadyRegistered, registered, lisOrders: 1);
    }

    [Fact]
    public async Task KitOfACancelledOrderIsRejected()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var (customer, order, kit) = await bed.CustomerWithKitAsync();
        await using (var db = bed.Db()) await db.Orders.Where(o => o.Id == order.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Cancelled));

        var registration = await bed.RegisterAsync(ConsumerTestBed.Request(customer.Id, kit.Barcode));

        await AssertRejectedAsync(bed, registration, Rejections.OrderCancelled, kit);
    }

    [Fact]
    public async Task CollectionBeforeTheKitWasShippedIsRejected()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var customer = await bed.AddCustomerAsync();
        var kit = await bed.ShipKitAsync((await bed.AddOrderAsync(customer.Id)).Id, shippedAt: DateTimeOffset.UtcNow.AddDays(-2));

        var registration = await bed.RegisterAsync(ConsumerTestBed.Request(customer.Id, kit.Barcode, DateTimeOffset.UtcNow.AddDays(-3)));

        await AssertRejectedAsync(bed, registration, Rejections.CollectedBeforeShipping, kit);
    }

    [Fact]
    public async Task SampleCollectedAfterTheKitExpiredIsRejected()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var customer = await bed.AddCustomerAsync();
        var expired = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-10));
        var kit = await bed.ShipKitAsync((await bed.AddOrderAsync(customer.Id)).Id, expiresOn: expired, shippedAt: DateTimeOffset.UtcNow.AddDays(-60));

        var registration = await bed.RegisterAsync(ConsumerTestBed.Request(customer.Id, kit.Barcode));

        await AssertRejectedAsync(bed, registration, Rejections.KitExpired, kit);
        Assert.Contains(expired.Year.ToString(), registration.ReasonText);
    }

    [Fact]
    public async Task PatientWithoutABirthDateIsAskedToCompleteTheProfile()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var customer = await bed.AddCustomerAsync(withBirthDate: false);
        var kit = await bed.ShipKitAsync((await bed.AddOrderAsync(customer.Id)).Id);

        var registration = await bed.RegisterAsync(ConsumerTestBed.Request(customer.Id, kit.Barcode));

        await AssertRejectedAsync(bed, registration, Rejections.ProfileIncomplete, kit);
    }

    /// <summary>
    /// Rejected with the code and words for the patient, announced, and with no effect on the kit
    /// (it is exactly as before) and no requisition beyond <paramref name="lisOrders"/> made earlier.
    /// </summary>
    static async Task AssertRejectedAsync(ConsumerTestBed bed, KitRegistration registration, string code, Kit? kit, int lisOrders = 0)
    {
        Assert.Equal(RegistrationStatus.Rejected, registration.Status);
        Assert.Equal(code, registration.ReasonCode);
        Assert.False(string.IsNullOrWhiteSpace(registration.ReasonText));
        Assert.Equal(kit?.Id, registration.KitId);
        Assert.NotNull(registration.DecidedAt);
        var announced = Assert.Single(await bed.PublishedAsync<KitRegistrationRejected>(), r => r.RegistrationId == registration.Id);
        Assert.Equal((code, registration.ReasonText), (announced.ReasonCode, announced.Reason));
        Assert.Equal(lisOrders, (await bed.PublishedAsync<LisOrder>()).Count);
        Assert.DoesNotContain(await bed.PublishedAsync<KitRegistered>(), r => r.RegistrationId == registration.Id);
        if (kit is not null)
        {
            var now = await bed.KitAsync(kit.Barcode);
            Assert.Equal((kit.Status, kit.CustomerId, kit.CollectedAt, kit.RegisteredAt), (now.Status, now.CustomerId, now.CollectedAt, now.RegisteredAt));
        }
        Assert.Equal(1, bed.Metrics.Sum("dtc.kits.registrations", $"outcome=rejected,reason={code}"));
    }
}
