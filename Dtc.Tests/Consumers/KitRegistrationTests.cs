using Dtc.Consumers;
using Dtc.Consumers.Kits;
using Dtc.Data.Kits;
using Dtc.Messaging;
using Dtc.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.Consumers;

public sealed class KitRegistrationTests
{
    [Fact]
    public async Task OwnKitIsRegisteredAndTheLabReceivesARequisition()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var (customer, _, kit) = await bed.CustomerWithKitAsync();
        var request = ConsumerTestBed.Request(customer.Id, kit.Barcode, consentToResearch: true);

        var registration = await bed.RegisterAsync(request);

        Assert.Equal(RegistrationStatus.Accepted, registration.Status);
        Assert.Equal(kit.Id, registration.KitId);
        Assert.Null(registration.ReasonCode);
        var registered = await bed.KitAsync(kit.Barcode);
        Assert.Equal(KitStatus.Registered, registered.Status);
        Assert.Equal(customer.Id, registered.CustomerId);
        Assert.Equal(request.CollectedAt.ToUnixTimeMilliseconds(), registered.CollectedAt!.Value.ToUnixTimeMilliseconds());
        Assert.True(registered.ConsentToTesting);
        Assert.True(registered.ConsentToResearch);
        Assert.NotNull(registered.RegisteredAt);

        // The requisition leaves Dtc through the LIS hand-off queue, with what the lab matches the specimen on.
        var (lis, _) = await bed.TakeAsync<LisOrder>("lis.orders.outbound");
        Assert.Equal(kit.Barcode, lis.Barcode);
        Assert.Equal(kit.Id, lis.KitId);
        Assert.Equal(customer.PatientNumber, lis.PatientNumber);
        Assert.Equal(("Ana", "Rivera", customer.DateOfBirth), (lis.GivenName, lis.FamilyName, lis.DateOfBirth));
        Assert.Equal(("57698-3", "LIPID"), (lis.PanelCode, lis.ProductCode));
        Assert.Equal(request.CollectedAt.ToUnixTimeMilliseconds(), lis.CollectedAt.ToUnixTimeMilliseconds());

        var (announced, _) = await bed.TakeAsync<KitRegistered>("crm.outbound");
        Assert.Equal((registration.Id, kit.Id, customer.Id), (announced.RegistrationId, announced.KitId, announced.CustomerId));
        var job = Assert.Single(await bed.PublishedAsync<NotificationSend>(), n => n.Template == "kit-registered");
        Assert.Equal((customer.Id, $"kit-registered:{registration.Id}"), (job.CustomerId, job.DedupeKey));
        Assert.Empty(await bed.PublishedAsync<KitRegistrationRejected>());
    }

    [Fact]
    public async Task GiftedKitIsRegisteredToTheRecipientAndTheBuyerIsTold()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var (buyer, order, kit) = await bed.CustomerWithKitAsync();
        var recipient = await bed.AddCustomerAsync("Ben", "Okafor");

        var registration = await bed.RegisterAsync(ConsumerTestBed.Request(recipient.Id, kit.Barcode));

        Assert.Equal(RegistrationStatus.Accepted, registration.Status);
        Assert.Equal(recipient.Id, (await bed.KitAsync(kit.Barcode)).CustomerId);
        var lis = Assert.Single(await bed.PublishedAsync<LisOrder>());
        Assert.Equal((recipient.PatientNumber, "Okafor"), (lis.PatientNumber, lis.FamilyName));
        var jobs = await bed.PublishedAsync<NotificationSend>();
        var toBuyer = Assert.Single(jobs, j => j.Template == "kit-registered-by-someone-else");
        Assert.Equal(buyer.Id, toBuyer.CustomerId);
        Assert.Equal(order.Id.ToString(), toBuyer.Data!["orderId"]);
        Assert.DoesNotContain(recipient.Id.ToString(), toBuyer.Data.Values); // the buyer is not told who
        Assert.Single(jobs, j => j.Template == "kit-registered" && j.CustomerId == recipient.Id);
        await bed.Metrics.UntilAsync("dtc.kits.registrations", "outcome=accepted,reason=gift", 1);
    }

    [Fact]
    public async Task RegistrationWhoseApiRowIsMissingIsDecidedAndRecorded()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var (customer, _, kit) = await bed.CustomerWithKitAsync();
        var request = ConsumerTestBed.Request(customer.Id, kit.Barcode);

        await bed.External.PublishAsync(request);

        var registration = await bed.DecidedAsync(request.RegistrationId);
        Assert.Equal(RegistrationStatus.Accepted, registration.Status);
        Assert.Equal((customer.Id, kit.Barcode, kit.Id), (registration.CustomerId, registration.Barcode, registration.KitId));
        Assert.Equal(request.RequestedAt.ToUnixTimeMilliseconds(), registration.RequestedAt.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task SameMessageDeliveredTwiceHasOneEffect()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var (customer, _, kit) = await bed.CustomerWithKitAsync();
        var request = ConsumerTestBed.Request(customer.Id, kit.Barcode);

        var id = await bed.External.PublishAsync(request);
        await bed.External.PublishAsync(request, id);
        await bed.DecidedAsync(request.RegistrationId);
        await bed.Metrics.UntilAsync("dtc.messaging.duplicates", $"type={KitRegistrationRequested.MessageType}", 1);

        Assert.Single(await bed.PublishedAsync<LisOrder>());
        Assert.Single(await bed.PublishedAsync<KitRegistered>());
        Assert.Equal(1, bed.Metrics.Sum("dtc.kits.registrations", "outcome=accepted"));
    }

    [Fact]
    public async Task SameRegistrationResentWithANewMessageIdChangesNothing()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var (customer, _, kit) = await bed.CustomerWithKitAsync();
        var request = ConsumerTestBed.Request(customer.Id, kit.Barcode);
        var first = await bed.RegisterAsync(request);

        await bed.External.PublishAsync(request); // e.g. the API's outbox row re-sent after a crash, as a new message
        await bed.Metrics.UntilAsync("dtc.kits.registrations", "outcome=replayed", 1);

        var again = await bed.DecidedAsync(request.RegistrationId);
        Assert.Equal((RegistrationStatus.Accepted, first.DecidedAt), (again.Status, again.DecidedAt));
        Assert.Single(await bed.PublishedAsync<LisOrder>());
        Assert.Single(await bed.PublishedAsync<KitRegistered>());
        Assert.Single(await bed.PublishedAsync<NotificationSend>(), n => n.Template == "kit-registered");
    }

    [Fact]
    public async Task SamePatientRegisteringTheSameKitAgainIsAcceptedWithoutASecondRequisition()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var (customer, _, kit) = await bed.CustomerWithKitAsync();
        var first = ConsumerTestBed.Request(customer.Id, kit.Barcode);
        await bed.RegisterAsync(first);
        var registeredAt = (await bed.KitAsync(kit.Barcode)).RegisteredAt;

        // The patient submits the same form again (a second registration, same data).
        var second = await bed.RegisterAsync(first with { RegistrationId = Guid.CreateVersion7(), RequestedAt = DateTimeOffset.UtcNow });

        Assert.Equal(RegistrationStatus.Accepted, second.Status);
        Assert.Equal(kit.Id, second.KitId);
        Assert.Equal(registeredAt, (await bed.KitAsync(kit.Barcode)).RegisteredAt);
        Assert.Single(await bed.PublishedAsync<LisOrder>());
        Assert.Single(await bed.PublishedAsync<KitRegistered>());
        Assert.Equal(1, bed.Metrics.Sum("dtc.kits.registrations", $"reason={RegistrationDecision.Repeat}"));
    }

    [Fact]
    public async Task RegistrationOutcomesAreCountedByReason()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var (customer, _, kit) = await bed.CustomerWithKitAsync();

        await bed.RegisterAsync(ConsumerTestBed.Request(customer.Id, kit.Barcode));
        await bed.RegisterAsync(ConsumerTestBed.Request(customer.Id, ConsumerTestBed.NewBarcode()));
        await bed.RegisterAsync(ConsumerTestBed.Request(customer.Id, ConsumerTestBed.NewBarcode()));

        Assert.Equal(1, bed.Metrics.Sum("dtc.kits.registrations", "outcome=accepted,reason=own-order"));
        Assert.Equal(2, bed.Metrics.Sum("dtc.kits.registrations", $"outcome=rejected,reason={Rejections.KitNotFound}"));
        Assert.Equal(3, bed.Metrics.Sum("dtc.kits.registrations"));
    }

    [Fact]
    public async Task RejectedRegistrationIsAnnouncedToThePatientAndTheCrm()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister);
        var customer = await bed.AddCustomerAsync();
        var request = ConsumerTestBed.Request(customer.Id, ConsumerTestBed.NewBarcode());

        var registration = await bed.RegisterAsync(request);

        var (rejected, _) = await bed.TakeAsync<KitRegistrationRejected>("crm.outbound");
        Assert.Equal((registration.Id, Rejections.KitNotFound, request.Barcode), (rejected.RegistrationId, rejected.ReasonCode, rejected.Barcode));
        Assert.Equal(registration.ReasonText, rejected.Reason);
        var job = Assert.Single(await bed.PublishedAsync<NotificationSend>());
        Assert.Equal(("kit-registration-rejected", $"kit-registration-rejected:{registration.Id}"), (job.Template, job.DedupeKey));
        Assert.Equal(Rejections.KitNotFound, job.Data!["reasonCode"]);
        Assert.Empty(await bed.PublishedAsync<LisOrder>());
        await using var db = bed.Db();
        Assert.Equal(0, await db.Outbox.CountAsync(o => o.Type == KitRegistered.MessageType));
    }
}
