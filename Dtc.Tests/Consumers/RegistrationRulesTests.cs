using Dtc.Consumers.Kits;
using Dtc.Data.Customers;
using Dtc.Data.Kits;
using Dtc.Data.Orders;
using Dtc.Messaging.Contracts;

namespace Dtc.Tests.Consumers;

/// <summary>The pure parts of the registration rules: barcodes and the expiry date where the patient lives.</summary>
public sealed class RegistrationRulesTests
{
    [Theory]
    [InlineData("79927398713", true)]      // the textbook Luhn number
    [InlineData("7992-7398 713", true)]    // as a patient may type it
    [InlineData("79927398710", false)]     // wrong check digit
    [InlineData("79927398731", false)]     // two digits swapped
    [InlineData("7992739871", false)]      // too short
    [InlineData("7992739871A", false)]
    public void BarcodeIsElevenDigitsWithALuhnCheckDigit(string typed, bool valid) =>
        Assert.Equal(valid, KitBarcode.IsValid(KitBarcode.Normalize(typed)));

    [Theory]
    [InlineData("America/Los_Angeles", true)]  // 03:00 UTC the day after expiry is still the expiry day there
    [InlineData("Pacific/Auckland", false)]    // and already the next day here
    [InlineData("UTC", false)]
    public void ExpiryIsTheCalendarDateWhereThePatientLives(string timeZone, bool accepted)
    {
        var expiresOn = new DateOnly(2026, 6, 30);
        var collected = new DateTimeOffset(2026, 7, 1, 3, 0, 0, TimeSpan.Zero);
        var customer = new Customer { Id = Guid.NewGuid(), PatientNumber = "PAT-1", Email = "a@example.com", GivenName = "Ana", FamilyName = "Rivera", DateOfBirth = new DateOnly(1985, 2, 14), TimeZone = timeZone };
        var order = new Order { Id = Guid.NewGuid(), CustomerId = customer.Id, ShippingAddress = new Address(), IdempotencyKey = "k" };
        var kit = new Kit { Id = Guid.NewGuid(), Barcode = "79927398713", OrderId = order.Id, ExpiresOn = expiresOn, ShippedAt = collected.AddDays(-20) };
        var request = new KitRegistrationRequested(Guid.NewGuid(), customer.Id, kit.Barcode, collected, true, false, collected);

        var decision = RegistrationRules.Decide(request, kit.Barcode, customer, kit, order, collected.AddDays(1));

        Assert.Equal(accepted ? RegistrationDecision.OwnOrder : Rejections.KitExpired, decision.Reason);
    }
}
