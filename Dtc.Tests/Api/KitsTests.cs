using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtc.Api.Audit;
using Dtc.Api.Http;
using Dtc.Api.Kits;
using Dtc.Data.Kits;
using Dtc.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.Api;

public sealed class KitsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    ApiFactory Api => fixture.Api;

    static object Registration(string barcode, DateTimeOffset? collectedAt = null, bool? consentToTesting = true, bool consentToResearch = false) =>
        new { barcode, collectedAt = collectedAt ?? DateTimeOffset.UtcNow.AddHours(-2), consentToTesting, consentToResearch };

    /// <summary>"12345678903" as a patient might type it: "123 4567-8903".</summary>
    static string Typed(string barcode) => $"{barcode[..3]} {barcode[3..7]}-{barcode[7..]}";

    [Fact]
    public async Task RegisteringAKitAnswers202WithALocationWhereThePendingRequestIsShown()
    {
        var patient = await Api.SignUpAsync();
        var barcode = Seed.NewBarcode();

        var response = await patient.Client.PostAsJsonAsync("/api/v1/kits/registrations", Registration(Typed(barcode), consentToResearch: true));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        var status = await patient.Client.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal("2", status.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var registration = (await status.Content.ReadFromJsonAsync<KitRegistrationResponse>())!;
        Assert.Equal((barcode, RegistrationStatus.Pending, true), (registration.Barcode, registration.Status, registration.ConsentToResearch));
        Assert.Equal($"/api/v1/kits/registrations/{registration.Id}", location);

        await using var db = fixture.Database.CreateContext();
        var bodies = await db.Outbox.Where(m => m.Type == KitRegistrationRequested.MessageType).Select(m => m.Body).ToListAsync();
        var published = Assert.Single(bodies.Select(b => JsonSerializer.Deserialize<KitRegistrationRequested>(b, Patients.Json)!), m => m.CustomerId == patient.Id);
        Assert.Equal((registration.Id, barcode, true), (published.RegistrationId, published.Barcode, published.ConsentToTesting));
        Assert.True(await db.AuditEvents.AnyAsync(a => a.CustomerId == patient.Id && a.Action == AuditActions.KitRegistrationCreate
            && a.ResourceId == registration.Id.ToString()));
    }

    [Fact]
    public async Task TheRegistrationConsumersDecisionShowsOnTheRegistration()
    {
        var patient = await Api.SignUpAsync();
        var accepted = await patient.Client.PostAsJsonAsync("/api/v1/kits/registrations", Registration(Seed.NewBarcode()));
        var rejected = await patient.Client.PostAsJsonAsync("/api/v1/kits/registrations", Registration(Seed.NewBarcode()));
        var acceptedId = (await accepted.Content.ReadFromJsonAsync<KitRegistrationResponse>())!.Id;
        var rejectedId = (await rejected.Content.ReadFromJsonAsync<KitRegistrationResponse>())!.Id;

        // What consumer-homekit-register writes when it decides.
        await using (var db = fixture.Database.CreateContext())
        {
            await db.KitRegistrations.Where(r => r.Id == acceptedId).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RegistrationStatus.Accepted).SetProperty(r => r.DecidedAt, DateTimeOffset.UtcNow));
            await db.KitRegistrations.Where(r => r.Id == rejectedId).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RegistrationStatus.Rejected).SetProperty(r => r.ReasonCode, "kit-not-found")
                .SetProperty(r => r.ReasonText, "We could not find a kit with this barcode.").SetProperty(r => r.DecidedAt, DateTimeOffset.UtcNow));
        }

        var ok = await patient.Client.GetAsync(accepted.Headers.Location);
        var no = (await patient.Client.GetFromJsonAsync<KitRegistrationResponse>(rejected.Headers.Location))!;

        Assert.Equal(RegistrationStatus.Accepted, (await ok.Content.ReadFromJsonAsync<KitRegistrationResponse>())!.Status);
        Assert.Null(ok.Headers.RetryAfter);
        Assert.Equal((RegistrationStatus.Rejected, "kit-not-found"), (no.Status, no.ReasonCode));
        Assert.NotNull(no.DecidedAt);
        var mine = (await patient.Client.GetFromJsonAsync<Page<KitRegistrationResponse>>("/api/v1/kits/registrations"))!;
        Assert.Equal([rejectedId, acceptedId], mine.Items.Select(r => r.Id));
    }

    [Fact]
    public async Task ADoubleTapWhileTheRequestIsPendingReturnsTheSameRegistration()
    {
        var patient = await Api.SignUpAsync();
        var body = Registration(Seed.NewBarcode(), collectedAt: DateTimeOffset.UtcNow.AddHours(-3));

        var first = await patient.Client.PostAsJsonAsync("/api/v1/kits/registrations", body);
        var second = await patient.Client.PostAsJsonAsync("/api/v1/kits/registrations", body);

        Assert.Equal(first.Headers.Location, second.Headers.Location);
        await using var db = fixture.Database.CreateContext();
        Assert.Equal(1, await db.KitRegistrations.CountAsync(r => r.CustomerId == patient.Id));
    }

    [Theory]
    [InlineData("12345678901", "barcode")]   // Luhn check digit wrong
    [InlineData("1234567890", "barcode")]    // 10 digits
    [InlineData("1234567890A", "barcode")]
    [InlineData("", "barcode")]
    public async Task ABadBarcodeNamesTheBarcodeField(string barcode, string field)
    {
        var patient = await Api.SignUpAsync();

        var response = await patient.Client.PostAsJsonAsync("/api/v1/kits/registrations", Registration(barcode));

        await ProblemAssert.NamesFieldsAsync(response, field);
    }

    [Fact]
    public async Task AFutureCollectionTimeMissingConsentOrAnUnreadableDateNameTheirFields()
    {
        var patient = await Api.SignUpAsync();
        var barcode = Seed.NewBarcode();

        var future = await patient.Client.PostAsJsonAsync("/api/v1/kits/registrations", Registration(barcode, collectedAt: DateTimeOffset.UtcNow.AddHours(2)));
        var refused = await patient.Client.PostAsJsonAsync("/api/v1/kits/registrations", Registration(barcode, consentToTesting: false));
        var silent = await patient.Client.PostAsJsonAsync("/api/v1/kits/registrations", new { barcode, collectedAt = DateTimeOffset.UtcNow.AddHours(-1) });
        var unreadable = await patient.Client.PostAsJsonAsync("/api/v1/kits/registrations", new { barcode, collectedAt = "yesterday", consentToTesting = true });

        await ProblemAssert.NamesFieldsAsync(future, "collectedAt");
        await ProblemAssert.NamesFieldsAsync(refused, "consentToTesting");
        await ProblemAssert.NamesFieldsAsync(silent, "consentToTesting");
        await ProblemAssert.NamesFieldsAsync(unreadable, "collectedAt");
        await using var db = fixture.Database.CreateContext();
        Assert.Equal(0, await db.KitRegistrations.CountAsync(r => r.CustomerId == patient.Id));
    }

    [Fact]
    public async Task MyKitsAreThoseRegisteredToMeAndThoseShippedOnMyOrders()
    {
        var patient = await Api.SignUpAsync();
        var someoneElse = await Api.SignUpAsync();
        var myOrder = Seed.Order(patient.Id, "shipped");
        var registered = Seed.Kit(patient.Id);
        var onMyOrder = Seed.Kit(customerId: null, orderId: myOrder.Id, status: KitStatus.Shipped);
        var giftedAway = Seed.Kit(someoneElse.Id, orderId: myOrder.Id); // registered by the person I gave it to
        var notMine = Seed.Kit(someoneElse.Id);
        await fixture.Database.SaveAsync(myOrder, registered, onMyOrder, giftedAway, notMine);

        var kits = (await patient.Client.GetFromJsonAsync<Page<KitResponse>>("/api/v1/kits"))!;

        Assert.Equal(new[] { onMyOrder.Id, registered.Id }.Order(), kits.Items.Select(k => k.Id).Order());
        Assert.Equal(onMyOrder.Barcode, (await patient.Client.GetFromJsonAsync<KitResponse>($"/api/v1/kits/{onMyOrder.Id}"))!.Barcode);
        await ProblemAssert.IsProblemAsync(await patient.Client.GetAsync($"/api/v1/kits/{giftedAway.Id}"), HttpStatusCode.NotFound);
    }
}
