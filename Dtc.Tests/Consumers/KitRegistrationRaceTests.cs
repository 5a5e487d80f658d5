using Dtc.Consumers;
using Dtc.Consumers.Kits;
using Dtc.Data.Kits;
using Dtc.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.Consumers;

/// <summary>Two replicas of consumer-homekit-register (two hosts, one queue): the database decides who wins.</summary>
public sealed class KitRegistrationRaceTests
{
    [Fact]
    public async Task RacingRegistrationsOfOneKitOnTwoReplicasHaveExactlyOneWinner()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister, replicas: 2);
        var contenders = new List<Guid>();
        for (var i = 0; i < 3; i++) contenders.Add((await bed.AddCustomerAsync($"P{i}", "Contender")).Id);
        var kits = new List<Kit>();
        for (var i = 0; i < 4; i++) kits.Add(await bed.ShipKitAsync((await bed.AddOrderAsync(contenders[i % 3])).Id));

        // Every contender registers every kit, all published together: the replicas take them round-robin.
        var requests = kits.SelectMany(k => contenders.Select(c => ConsumerTestBed.Request(c, k.Barcode))).ToArray();
        await bed.SendAsync(requests);
        var decided = new List<KitRegistration>();
        foreach (var request in requests) decided.Add(await bed.DecidedAsync(request.RegistrationId));

        var lisOrders = await bed.PublishedAsync<LisOrder>();
        foreach (var kit in kits)
        {
            var contest = decided.Where(r => r.Barcode == kit.Barcode).ToList();
            var winner = Assert.Single(contest, r => r.Status == RegistrationStatus.Accepted);
            Assert.All(contest.Where(r => r != winner), loser =>
            {
                Assert.Equal(RegistrationStatus.Rejected, loser.Status);
                Assert.Equal(Rejections.RegisteredToSomeoneElse, loser.ReasonCode);
            });
            Assert.Equal(winner.CustomerId, (await bed.KitAsync(kit.Barcode)).CustomerId);
            var requisition = Assert.Single(lisOrders, o => o.Barcode == kit.Barcode);
            Assert.Equal(winner.CustomerId, await PatientAsync(bed, requisition.PatientNumber));
        }
        Assert.Equal(kits.Count, (await bed.PublishedAsync<KitRegistered>()).Count);
    }

    [Fact]
    public async Task DoubleSubmitOfOneRegistrationFormOnTwoReplicasSendsOneRequisition()
    {
        await using var bed = await ConsumerTestBed.StartAsync(ConsumerRole.HomekitRegister, replicas: 2);
        var (customer, _, kit) = await bed.CustomerWithKitAsync();
        var first = ConsumerTestBed.Request(customer.Id, kit.Barcode);
        var requests = Enumerable.Range(0, 6).Select(_ => first with { RegistrationId = Guid.CreateVersion7() }).ToArray();

        await bed.SendAsync(requests);
        foreach (var request in requests) Assert.Equal(RegistrationStatus.Accepted, (await bed.DecidedAsync(request.RegistrationId)).Status);

        Assert.Single(await bed.PublishedAsync<LisOrder>());
        Assert.Single(await bed.PublishedAsync<KitRegistered>());
        Assert.Equal(customer.Id, (await bed.KitAsync(kit.Barcode)).CustomerId);
        Assert.Equal(5, bed.Metrics.Sum("dtc.kits.registrations", $"reason={RegistrationDecision.Repeat}"));
    }

    static async Task<Guid> PatientAsync(ConsumerTestBed bed, string patientNumber)
    {
        await using var db = bed.Db();
        return await db.Customers.Where(c => c.PatientNumber == patientNumber).Select(c => c.Id).SingleAsync();
    }
}
