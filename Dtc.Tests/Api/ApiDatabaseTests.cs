using Dtc.Tests.Infrastructure;
using Npgsql;

namespace Dtc.Tests.Api;

/// <summary>
/// The API's connections (<see cref="Dtc.Api.Http.ApiDatabase"/>): once warm, its reads run on prepared plans
/// (PostgreSQL plans nothing per request), and a connection handed back to the pool is not reset before the
/// next request. Read from pg_stat_statements (scripts/infra.sh loads it, with planning tracked), for this
/// class's own database only.
/// </summary>
public sealed class ApiDatabaseTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    const int Warm = 150, Measured = 20;

    /// <summary>Calls and plans, per statement text, in this database; read on a connection of its own outside any pool.</summary>
    async Task<Dictionary<string, (long Calls, long Plans)>> StatementsAsync()
    {
        var unpooled = new NpgsqlConnectionStringBuilder(fixture.Database.ConnectionString) { Pooling = false }.ToString();
        await using var connection = new NpgsqlConnection(unpooled);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("create extension if not exists pg_stat_statements", connection)) await create.ExecuteNonQueryAsync();
        await using var command = new NpgsqlCommand("""
            select query, sum(calls)::bigint, sum(plans)::bigint from pg_stat_statements
            where dbid = (select oid from pg_database where datname = current_database()) group by query
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var statements = new Dictionary<string, (long, long)>();
        while (await reader.ReadAsync()) statements[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        return statements;
    }

    static (long Calls, long Plans) Delta(Dictionary<string, (long Calls, long Plans)> before, Dictionary<string, (long Calls, long Plans)> after,
        Func<string, bool> which) =>
        after.Where(s => which(s.Key)).Aggregate((Calls: 0L, Plans: 0L), (sum, s) =>
        {
            var was = before.GetValueOrDefault(s.Key);
            return (sum.Calls + s.Value.Calls - was.Calls, sum.Plans + s.Value.Plans - was.Plans);
        });

    static bool ResultReads(string query) => query.Contains("from lab_reports", StringComparison.OrdinalIgnoreCase);
    static bool Resets(string query) => query is "DISCARD ALL" or "SELECT pg_advisory_unlock_all()";

    [Fact]
    public async Task WarmReadsRunOnPreparedPlansAndPooledConnectionsAreNotReset()
    {
        var patient = await fixture.Api.SignUpAsync();
        var kit = Seed.Kit(patient.Id);
        var report = Seed.Report(patient.Id, kit.Id);
        await fixture.Database.SaveAsync(kit);
        await fixture.Database.SaveAsync(report);
        async Task ReadAsync(int times)
        {
            for (var i = 0; i < times; i++)
            {
                (await patient.Client.GetAsync("/api/v1/results")).EnsureSuccessStatusCode();
                (await patient.Client.GetAsync($"/api/v1/results/{report.Id}")).EnsureSuccessStatusCode();
            }
        }

        // A statement is prepared on a connection after a few runs there, and PostgreSQL then plans it a few
        // times more before it settles on the generic plan: the warm-up covers both on every pooled connection.
        await ReadAsync(Warm);
        var before = await StatementsAsync();
        await ReadAsync(Measured);
        var after = await StatementsAsync();

        var reads = Delta(before, after, ResultReads);
        Assert.Equal(2 * Measured, reads.Calls); // the list and the one result, each request once
        Assert.Equal(0, reads.Plans);
        Assert.Equal(0, Delta(before, after, Resets).Calls);
    }
}
