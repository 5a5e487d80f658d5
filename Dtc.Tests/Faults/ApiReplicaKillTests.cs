using Dtc.Bench.Faults;
using Npgsql;
using Xunit.Abstractions;

namespace Dtc.Tests.Faults;

/// <summary>
/// The small version of the API part of bench/faults.sh: kit registrations round-robin across two real API
/// processes, one SIGKILLed during the load, consumer-homekit-register deciding, on servers of its own.
/// </summary>
[Collection(OwnServersCollection.Name)]
public sealed class ApiReplicaKillTests(FaultServers servers, ITestOutputHelper output) : IClassFixture<FaultServers>
{
    [Fact]
    public async Task EveryRegistrationAnswered2xxEndsInADecisionWhenAnApiReplicaIsKilled()
    {
        var broker = await servers.Broker.CreateVirtualHostAsync();
        var run = new ApiFaultRun(servers.Database.ConnectionString, broker.ConnectionString, ServiceBinaries.Dll("Dtc.Api"), ServiceBinaries.Dll("Dtc.Consumers"))
        {
            Registrations = 300,
            Replicas = 2,
            Concurrency = 12,
            Patients = 10,
            Timeout = TimeSpan.FromMinutes(4),
            Log = output.WriteLine,
        };

        var report = await run.RunAsync();

        output.WriteLine(report.ToString());
        Assert.True(report.Kill.DuringLoad, "the replica was killed while registrations were being sent");
        Assert.True(report.RequestsRefused + report.RequestsLostInFlight > 0, "requests met the killed replica");
        Assert.Equal(report.Registrations, report.Answered); // every one got its 2xx, on a retry if need be
        Assert.Equal(0, report.Missing);
        Assert.Equal(0, report.Pending);
        Assert.Equal(report.Answered, report.Decided);
        Assert.Equal(0, report.UnansweredUndecided);
        Assert.Equal(0, report.WrongDecisions);
        Assert.Equal(report.KitsExpected, report.KitsRegistered);
        Assert.Equal(0, report.OutboxUnpublished);
        Assert.True(report.Clean);

        // The counts come from the database: an acknowledged registration lost, or never decided, fails the run.
        await using (var db = new NpgsqlConnection(servers.Database.ConnectionString))
        {
            await db.OpenAsync();
            await using var lose = new NpgsqlCommand("delete from kit_registrations where id = $1", db) { Parameters = { new() { Value = run.AnsweredIds[0] } } };
            await lose.ExecuteNonQueryAsync();
            await using var undecide = new NpgsqlCommand("update kit_registrations set status = 'pending', decided_at = null where id = $1", db)
            {
                Parameters = { new() { Value = run.AnsweredIds[1] } },
            };
            await undecide.ExecuteNonQueryAsync();
        }
        var recount = await run.CountAsync();
        Assert.Equal(1, recount.Missing);
        Assert.Equal(1, recount.Pending);
        Assert.Equal(report.Decided - 2, recount.Decided);
        Assert.False(recount.Clean);
    }
}
