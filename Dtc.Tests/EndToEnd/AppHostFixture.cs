using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Dtc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dtc.Tests.EndToEnd;

/// <summary>The whole AppHost in local mode, on a database and a virtual host of its own; booted once for the class.</summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    public DistributedApplication App { get; private set; } = null!;
    public TestDatabase Database { get; private set; } = null!;
    public TestBroker Broker { get; private set; } = null!;

    public static readonly string[] LongRunning =
        ["api", "consumer-lis-testresult", "consumer-customer", "consumer-homekit-register", "wrk-default", "cron"];

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateEmptyAsync();
        Broker = await TestBroker.CreateAsync();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Dtc_AppHost>(
        [
            "Infra=local",
            "DisableTelemetry=true",
            $"ConnectionStrings:dtc={Database.ConnectionString}",
            $"ConnectionStrings:rabbitmq={Broker.ConnectionString}",
        ]);
        // The services' own logs stay in the AppHost; the test output shows only what goes wrong.
        builder.Services.AddLogging(logging => logging
            .AddFilter("Dtc.AppHost.Resources", LogLevel.Warning)
            .AddFilter("System.Net.Http", LogLevel.Warning)
            .AddFilter("Aspire.Hosting", LogLevel.Warning));
        App = await builder.BuildAsync();
        using var start = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await App.StartAsync(start.Token);
        await App.ResourceNotifications.WaitForResourceAsync("migrations", KnownResourceStates.Finished, start.Token);
        foreach (var name in LongRunning)
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(name, start.Token);
        }
    }

    public async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Broker.DisposeAsync();
        await Database.DisposeAsync();
    }
}
