using System.Net;
using Dtc.Api.Audit;
using Dtc.Api.Http;
using Dtc.Data;
using Dtc.Data.Results;
using Dtc.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Dtc.Tests.Api;

/// <summary>
/// The API's connections (<see cref="ApiDatabase"/>): a replica opens no more than its own cap, whatever the
/// shared connection string allows; once warm, its reads are prepared on them, and a connection handed back
/// to the pool is not reset before the next request (pg_stat_statements, which scripts/infra.sh loads, for
/// this class's own database only).
/// </summary>
public sealed class ApiDatabaseTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    const int Warm = 150, Measured = 20;

    Task<Dictionary<string, long>> StatementsAsync() => fixture.Database.StatementCallsAsync();

    static long Calls(Dictionary<string, long> before, Dictionary<string, long> after, Func<string, bool> which) =>
        after.Where(s => which(s.Key)).Sum(s => s.Value - before.GetValueOrDefault(s.Key));

    static bool ResultReads(string query) => query.Contains("from lab_reports", StringComparison.OrdinalIgnoreCase);
    static bool Resets(string query) => query is "DISCARD ALL" or "SELECT pg_advisory_unlock_all()";

    /// <summary>A kit of the patient's with one released result, saved in this class's database.</summary>
    async Task<LabReport> ReleasedResultAsync(Guid patientId)
    {
        var kit = Seed.Kit(patientId);
        var report = Seed.Report(patientId, kit.Id);
        await fixture.Database.SaveAsync(kit);
        await fixture.Database.SaveAsync(report);
        return report;
    }

    [Fact]
    public async Task WarmReadsArePreparedAndPooledConnectionsAreNotReset()
    {
        var patient = await fixture.Api.SignUpAsync();
        var report = await ReleasedResultAsync(patient.Id);
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

        Assert.Equal(2 * Measured, Calls(before, after, ResultReads)); // the list and the one result, each request once
        // The one result's EF query is prepared on the API's pooled connections (the list's statement is prepared
        // explicitly in any case). Whether PostgreSQL then also plans it now and then is its own choice (generic or
        // custom plan, by cost), which on a test's near-empty tables varies: it is not asserted here.
        // Which pooled connection ran what is the pool's choice: one of them may have served only the list and the
        // audit log's writes. Every connection of the pool is held at once and read: the warm-up's reads of one
        // result, spread over at most DefaultMaxPoolSize connections, ran on one of them often enough to be prepared.
        var scopes = Enumerable.Range(0, ApiDatabase.DefaultMaxPoolSize).Select(_ => fixture.Api.Services.CreateAsyncScope()).ToList();
        try
        {
            var prepared = new List<string>();
            foreach (var scope in scopes)
            {
                var db = scope.ServiceProvider.GetRequiredService<DtcDbContext>();
                await db.Database.OpenConnectionAsync();
                prepared.AddRange(await db.Database.SqlQueryRaw<string>("select statement as \"Value\" from pg_prepared_statements").ToListAsync());
            }
            Assert.Contains(prepared, statement => statement.Contains("report_versions") && statement.Contains("lab_reports"));
        }
        finally
        {
            foreach (var scope in scopes) await scope.DisposeAsync();
        }
        Assert.Equal(0, Calls(before, after, Resets));
    }

    [Fact]
    public async Task AReplicaCapsItsConnectionsWhateverTheSharedConnectionStringAllows()
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DtcDbContext>();
        Assert.Equal(50, new NpgsqlConnectionStringBuilder(fixture.Database.ConnectionString).MaxPoolSize); // what every service is given
        Assert.Equal(ApiDatabase.DefaultMaxPoolSize, new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()).MaxPoolSize);
    }

    /// <summary>
    /// With two connections for many concurrent audited reads, every one is answered and audited, and the
    /// database never sees more than two: no request holds a connection while it waits for its audit event
    /// (which the audit log writes on a connection of the same pool), so a small cap queues requests, never
    /// deadlocks them.
    /// </summary>
    [Fact]
    public async Task ConcurrentAuditedReadsAllGetThroughTwoConnections()
    {
        const int cap = 2, concurrent = 40;
        var name = $"dtc-api-capped-{Guid.NewGuid():N}"[..32];
        var settings = new Dictionary<string, string?>(ApiFactory.RelaxedLimits)
        {
            ["ConnectionStrings:dtc"] = new NpgsqlConnectionStringBuilder(fixture.Database.ConnectionString) { ApplicationName = name }.ToString(),
            [ApiDatabase.MaxPoolSizeKey] = cap.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        await using var capped = new ApiFactory(fixture.Database, fixture.Broker, settings);
        var patient = await capped.SignUpAsync();
        var report = await ReleasedResultAsync(patient.Id);

        var most = 0L;
        using var done = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                most = Math.Max(most, await fixture.Database.ScalarAsync<long>($"select count(*) from pg_stat_activity where application_name = '{name}'"));
                await Task.Delay(5);
            }
        });
        var responses = await Task.WhenAll(Enumerable.Range(0, concurrent).Select(i =>
            patient.Client.GetAsync(i % 2 == 0 ? "/api/v1/results" : $"/api/v1/results/{report.Id}")));
        await done.CancelAsync();
        await sampler;

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.InRange(most, 1, cap);
        Assert.Equal(concurrent, await fixture.Database.ScalarAsync<long>(
            $"select count(*) from audit_events where customer_id = '{patient.Id}' and action in ('{AuditActions.ResultList}', '{AuditActions.ResultRead}')"));
    }
}
