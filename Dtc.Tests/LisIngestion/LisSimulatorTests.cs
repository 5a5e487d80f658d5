using Dtc.Data.Kits;
using Dtc.Data.Results;
using Dtc.Lis;
using Dtc.LisSimulator;
using Dtc.Messaging;
using Dtc.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dtc.Tests.LisIngestion;

/// <summary>The LIS simulator against the real consumer: what it sends is stored, on the right patients.</summary>
public sealed class LisSimulatorTests
{
    [Fact]
    public async Task SeededPatientsGetTheirResultsAndNoneIsQuarantined()
    {
        await using var bed = await LisTestBed.StartAsync(replicas: 2, seedSamples: false);
        await using var simulator = await ServiceHost.StartAsync(bed.Database, bed.Broker,
            b => b.AddLisSimulator(new SimulatorOptions { SeedKits = 60, Rate = null, FollowUp = TimeSpan.Zero, RandomSeed = 7 }), runRelay: false);

        await Eventually.Until(async () =>
        {
            await using var db = bed.Db();
            return await db.Kits.CountAsync(k => k.Status == KitStatus.Resulted || k.Status == KitStatus.Rejected);
        }, n => n == 60, "every seeded kit resulted or rejected");

        await using var check = bed.Db();
        Assert.Equal(60, await check.Kits.CountAsync());
        Assert.Equal(0, await check.QuarantinedMessages.CountAsync());
        Assert.Equal(0, await bed.Broker.QueueDepthAsync(Topology.ParkingQueue(Topology.Queues.LisTestResult)));
        var reports = await check.LabReports.Join(check.Kits, r => r.KitId, k => k.Id, (r, k) => new { r.Released, r.CustomerId, KitCustomer = k.CustomerId, KitStatus = k.Status }).ToListAsync();
        Assert.Equal(60, reports.Count);
        Assert.All(reports, r => Assert.Equal(r.KitCustomer, r.CustomerId));
        Assert.All(reports.Where(r => r.KitStatus == KitStatus.Resulted), r => Assert.True(r.Released));
        Assert.Contains(reports, r => r.KitStatus == KitStatus.Resulted);
        Assert.True(simulator.Services.GetRequiredService<LisSimulation>().Sent >= 60);
    }

    [Fact]
    public async Task OncePassSendsForRegisteredKitsOnlyThenStops()
    {
        await using var bed = await LisTestBed.StartAsync();
        await bed.AddKitAsync("10000000009", customerId: null, KitStatus.Shipped);
        await using var simulator = await ServiceHost.StartAsync(bed.Database, bed.Broker,
            b => b.AddLisSimulator(new SimulatorOptions { Once = true, Rate = null, FollowUp = TimeSpan.Zero, RandomSeed = 3 }), runRelay: false);

        var lifetime = simulator.Services.GetRequiredService<IHostApplicationLifetime>();
        await Eventually.Until(() => Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested), stopped => stopped, "the simulator to finish its pass");
        await Eventually.Until(async () =>
        {
            await using var db = bed.Db();
            return await db.LabReports.CountAsync();
        }, n => n == LisTestBed.Samples.Length, "a report for each sample patient's kit");
        Assert.Equal(KitStatus.Shipped, (await bed.KitAsync("10000000009")).Status);
        await using var check = bed.Db();
        Assert.Equal(0, await check.QuarantinedMessages.CountAsync());
    }

    [Fact]
    public async Task WithoutKitsTheSimulatorIdlesAndPicksUpAKitRegisteredLater()
    {
        await using var bed = await LisTestBed.StartAsync(seedSamples: false);
        await using var simulator = await ServiceHost.StartAsync(bed.Database, bed.Broker,
            b => b.AddLisSimulator(new SimulatorOptions { Rate = 5, FollowUp = TimeSpan.FromMilliseconds(200) }), runRelay: false);
        var lifetime = simulator.Services.GetRequiredService<IHostApplicationLifetime>();
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);

        await bed.AddPatientWithKitAsync("PAT-2001", "Mei", "Nguyễn", new DateOnly(1990, 6, 1), "20000000004", "VITD");

        var report = await Eventually.Until(() => bed.ReportAsync("20000000004"), r => r is { Status: not ReportStatus.Preliminary }, "the kit's result");
        Assert.Equal("62292-8", report!.PanelCode);
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public void MessagesItBuildsParseAndCarryThePatientAsRegistered()
    {
        var random = new Random(11);
        foreach (var panel in Panels.ByCode.Values)
        {
            var kit = new SimKit(Guid.NewGuid(), "20000000004", "PAT-9^9", "Zoë", "O'Neil|Smith & Co~\\", new DateOnly(1980, 2, 29), panel.Code, DateTimeOffset.UtcNow.AddDays(-2));
            var result = KitResult.Draw(kit, random, rejected: false);
            foreach (var status in new[] { "P", "F", "C" })
            {
                var parsed = LisParser.Parse(OruMessage.Build(status == "C" ? result.Corrected() : result, status, $"C{status}", DateTimeOffset.UtcNow), "x-application/hl7-v2+er7");
                Assert.True(parsed.IsSuccess, $"{panel.Code} {status}: {parsed.Error}");
                Assert.Equal(("O'Neil|Smith & Co~\\", "Zoë", new DateOnly(1980, 2, 29), "PAT-9^9"),
                    (parsed.Message.Patient.FamilyName, parsed.Message.Patient.GivenName, parsed.Message.Patient.BirthDate, parsed.Message.Patient.Identifiers[0].Value));
                var report = Assert.Single(parsed.Message.Reports);
                Assert.Equal((panel.Code, panel.Analytes.Count), (report.PanelCode, report.Observations.Count));
                Assert.All(report.Observations, o => Assert.NotNull(o.Flag));
            }
        }
        var rejected = LisParser.Parse(OruMessage.Build(KitResult.Draw(new SimKit(Guid.NewGuid(), "20000000004", "PAT-1", "A", "B", null, null, null), random, rejected: true), "X", "CX", DateTimeOffset.UtcNow), "x-application/hl7-v2+er7");
        Assert.NotNull(Assert.Single(rejected.Message!.Reports).SpecimenRejection?.Code);
    }

    [Theory]
    [InlineData("--rate 5/s --count 10", 5.0, 10, false, 0)]
    [InlineData("--rate max --once", null, null, true, 0)]
    [InlineData("--seed-kits 1000 --rate 0.2", 0.2, null, false, 1000)]
    public void CommandLineIsRead(string line, double? rate, int? count, bool once, int seed)
    {
        var options = SimulatorOptions.Parse(line.Split(' '));
        Assert.Equal((rate, count, once, seed), (options.Rate, options.Count, options.Once, options.SeedKits));
    }

    [Theory]
    [InlineData("--rate -1")]
    [InlineData("--count")]
    [InlineData("--loud")]
    public void UnreadableCommandLineIsRefused(string line) => Assert.Throws<FormatException>(() => SimulatorOptions.Parse(line.Split(' ')));
}
