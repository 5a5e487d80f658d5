using Dtc.Bench.Faults;
using Dtc.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Dtc.Tests.Faults;

/// <summary>
/// The small version of bench/faults.sh: LIS results and poison through two real consumer processes
/// that are SIGKILLed at random, across a broker restart and a PostgreSQL crash, on servers of its own.
/// </summary>
[Collection(OwnServersCollection.Name)]
public sealed class FaultSuiteTests(FaultServers servers, ITestOutputHelper output) : IClassFixture<FaultServers>
{
    [Fact]
    public async Task NothingIsLostOrDuplicatedWhenConsumersBrokerAndDatabaseFail()
    {
        var broker = await servers.Broker.CreateVirtualHostAsync();
        var run = new FaultRun(servers.Database.ConnectionString, broker.ConnectionString, ServiceBinaries.Dll("Dtc.Consumers"),
            servers.Broker.RestartAsync, servers.Database.CrashAndRestartAsync)
        {
            Results = 600,
            Poison = 12,
            PerSecond = 100,
            Timeout = TimeSpan.FromMinutes(4),
            Log = output.WriteLine,
        };

        var report = await run.RunAsync();

        output.WriteLine(report.ToString());
        Assert.True(report.ConsumerKills >= 2, "consumers were killed during the run");
        Assert.True(report.BrokerRestarted && report.DatabaseCrashed);
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicated);
        Assert.Equal(0, report.DuplicateNotifications);
        Assert.Equal(report.Poison, report.Parked);
        Assert.Equal(0, report.OutboxUnpublished);
    }
}

/// <summary>The services' own builds (same configuration as the tests), started as processes that can be killed.</summary>
public static class ServiceBinaries
{
    public static string Dll(string project)
    {
        var dll = Path.Combine(TestEnvironment.RepoRoot, project, "bin", Configuration, "net10.0", project + ".dll");
        Assert.True(File.Exists(dll), $"{dll} is built with the solution");
        return dll;
    }

    static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
}

public sealed class FaultServers : IAsyncLifetime
{
    public OwnPostgres Database { get; } = new();
    public OwnBrokerNode Broker { get; } = new();

    public async Task InitializeAsync()
    {
        // Another class's servers ran on these ports and were stopped: connections pooled to them are dead.
        NpgsqlConnection.ClearAllPools();
        await Database.InitializeAsync();
        await Broker.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Broker.DisposeAsync();
        await Database.DisposeAsync();
    }
}
