using System.Net;
using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Dtc.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.EndToEnd;

[Collection(AppHostCollection.Name)]
public sealed class AppHostTests(AppHostFixture fixture)
{
    [Fact]
    public async Task EveryServiceReplicaRunsAsItsOwnProcess()
    {
        var instances = await CurrentInstancesAsync();
        var expected = new Dictionary<string, int>
        {
            ["api"] = 4, ["consumer-lis-testresult"] = 2, ["consumer-customer"] = 1,
            ["consumer-homekit-register"] = 1, ["wrk-default"] = 1, ["cron"] = 1,
        };
        foreach (var (name, replicas) in expected)
        {
            var mine = instances.Where(i => i.Value.Resource == name).ToList();
            Assert.Equal(replicas, mine.Count);
            var pids = new HashSet<string>();
            foreach (var (instance, (_, snapshot)) in mine)
            {
                Assert.Equal(KnownResourceStates.Running, snapshot.State?.Text);
                Assert.Equal(HealthStatus.Healthy, snapshot.HealthStatus);
                var pid = snapshot.Properties.SingleOrDefault(p => p.Name == "executable.pid")?.Value?.ToString();
                Assert.False(string.IsNullOrEmpty(pid), $"{instance} reports no process id");
                pids.Add(pid!);
            }
            Assert.Equal(replicas, pids.Count);
        }
    }

    /// <summary>The latest snapshot of every resource instance (a replica is an instance of its resource).</summary>
    async Task<Dictionary<string, (string Resource, CustomResourceSnapshot Snapshot)>> CurrentInstancesAsync()
    {
        var result = new Dictionary<string, (string, CustomResourceSnapshot)>();
        using var window = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await foreach (var e in fixture.App.ResourceNotifications.WatchAsync(window.Token)) result[e.ResourceId] = (e.Resource.Name, e.Snapshot);
        }
        catch (OperationCanceledException) { }
        return result;
    }

    [Fact]
    public async Task MigrationsRanOnceAndFinishedSuccessfully()
    {
        Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState("migrations", out var state));
        Assert.Equal(KnownResourceStates.Finished, state!.Snapshot.State?.Text);
        Assert.Equal(0, state.Snapshot.ExitCode);
        await using var db = fixture.Database.CreateContext();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task ApiHealthAnswersThroughTheAppHost()
    {
        using var client = fixture.App.CreateHttpClient("api");
        var live = await client.GetAsync("/health/live");
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EventPublishedByTheApiIsConsumedByTheCustomerRole()
    {
        using var client = fixture.App.CreateHttpClient("api");
        var email = $"{Guid.NewGuid():N}@example.com";
        var response = await client.PostAsJsonAsync("/api/v1/accounts/register",
            new { email, password = "Correct-horse-battery-9", givenName = "Ana", familyName = "Rivera", dateOfBirth = "1985-02-14" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var customerId = (await response.Content.ReadFromJsonAsync<Registered>())!.CustomerId;

        // customer.registered goes API → outbox → broker → consumer-customer, which greets the patient.
        var welcome = await Eventually.Until(async () =>
        {
            await using var db = fixture.Database.CreateContext();
            return await db.Notifications.Where(n => n.CustomerId == customerId && n.Template == "welcome").CountAsync();
        }, count => count > 0, "the welcome notification written by consumer-customer");
        Assert.Equal(1, welcome);
        await using var check = fixture.Database.CreateContext();
        Assert.True(await check.Inbox.AnyAsync(i => i.Consumer == "customer" && i.Type == "customer.registered"));
    }

    sealed record Registered(Guid CustomerId);
}

[CollectionDefinition(Name)]
public sealed class AppHostCollection : ICollectionFixture<AppHostFixture>
{
    public const string Name = "apphost";
}
