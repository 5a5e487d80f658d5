using Aspire.Hosting.ApplicationModel;
using Dtc.Data.Accounts;
using Dtc.Data.Customers;
using Dtc.Data.Kits;
using Dtc.Tests.EndToEnd;
using Dtc.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.LisIngestion;

/// <summary>F5: the AppHost's lis-simulator runs beside the services and turns a registered kit into results.</summary>
[Collection(AppHostCollection.Name)]
public sealed class LisSimulatorResourceTests(AppHostFixture fixture)
{
    [Fact]
    public async Task KitRegisteredDuringALocalRunGetsResultsFromTheSimulator()
    {
        using (var start = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            await fixture.App.ResourceNotifications.WaitForResourceAsync("lis-simulator", KnownResourceStates.Running, start.Token);
        }

        var now = DateTimeOffset.UtcNow;
        var user = new DtcUser { Id = Guid.CreateVersion7(), UserName = $"{Guid.NewGuid():N}@example.com" };
        var kitId = Guid.CreateVersion7();
        await using (var db = fixture.Database.CreateContext())
        {
            db.Users.Add(user);
            db.Customers.Add(new Customer
            {
                Id = user.Id, PatientNumber = "PAT-F5" + Random.Shared.Next(100000, 999999), Email = user.UserName!, GivenName = "Sam",
                FamilyName = "O'Neil", DateOfBirth = new DateOnly(1970, 9, 1), CreatedAt = now, UpdatedAt = now,
            });
            db.Kits.Add(new Kit
            {
                Id = kitId, Barcode = "3" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999), ProductCode = "A1C", CustomerId = user.Id,
                Status = KitStatus.Registered, RegisteredAt = now, CollectedAt = now.AddHours(-2), ConsentToTesting = true, UpdatedAt = now,
            });
            await db.SaveChangesAsync();
        }

        // 1 message / 5 s and a database poll every 5 s: the first version lands within seconds.
        await Eventually.Until(async () =>
        {
            await using var db = fixture.Database.CreateContext();
            return await db.LabReports.CountAsync(r => r.KitId == kitId && r.CustomerId == user.Id);
        }, n => n == 1, "the simulator's result for the kit", TimeSpan.FromSeconds(60));
        Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState("lis-simulator", out var state));
        Assert.Equal(KnownResourceStates.Running, state!.Snapshot.State?.Text);
    }
}
