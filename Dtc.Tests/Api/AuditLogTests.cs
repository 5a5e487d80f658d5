using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Dtc.Api.Audit;
using Dtc.Api.Http;
using Dtc.Api.Results;
using Dtc.Data.Audit;
using Dtc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Dtc.Tests.Api;

/// <summary>
/// The audit events of reads go through the group-committing <see cref="AuditLog"/>: a read's data never
/// leaves before its event is committed, events queued behind a write in flight go together in the next,
/// and an event the database refuses fails only its own request. The audit table is held locked (SHARE
/// mode: reads go on, inserts wait) to make "a write in flight" last as long as the test needs.
/// </summary>
public sealed class AuditLogTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    /// <summary>How long a request may take once the table is free (an event never written would hang it).</summary>
    static readonly TimeSpan Answered = TimeSpan.FromSeconds(30);

    ApiFactory Api => fixture.Api;
    AuditLog Log => Api.Services.GetRequiredService<AuditLog>();

    async Task<(Patient Patient, Guid ReportId)> PatientWithResultAsync()
    {
        var patient = await Api.SignUpAsync();
        var kit = Seed.Kit(patient.Id);
        var report = Seed.Report(patient.Id, kit.Id, DateTimeOffset.UtcNow.AddDays(-1));
        await fixture.Database.SaveAsync(kit);
        await fixture.Database.SaveAsync(report);
        return (patient, report.Id);
    }

    /// <summary>Holds inserts into audit_events until disposed (the transaction rolls back).</summary>
    async Task<NpgsqlConnection> LockAuditTableAsync()
    {
        var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("begin; lock table audit_events in share mode", connection);
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    async Task<long> EventsAsync(Guid customerId, string action) =>
        await fixture.Database.ScalarAsync<long>($"select count(*) from audit_events where customer_id = '{customerId}' and action = '{action}'");

    /// <summary>The Dtc.Audit measurements of this class's API only: instrument, value, outcome tag.</summary>
    MeterListener Listen(ConcurrentQueue<(string Instrument, long Value, string? Outcome)> measured) =>
        ServiceMeters.Listen(Api.Services, AuditLog.MeterName, (name, value, tags) =>
            measured.Enqueue((name, (long)value, tags.FirstOrDefault(t => t.Key == "outcome").Value as string)));

    /// <summary>Waits until the log's writer has an insert in flight (waiting on the lock) and <paramref name="queued"/> events behind it.</summary>
    async Task WriteInFlightAsync(int queued)
    {
        for (var i = 0; i < 400; i++)
        {
            var waiting = await fixture.Database.ScalarAsync<long>(
                "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'insert into audit_events%'");
            if (waiting == 1 && Log.Queued == queued) return;
            await Task.Delay(25);
        }
        Assert.Fail($"The audit log never had a write in flight with {queued} events queued behind it (queued: {Log.Queued}).");
    }

    [Fact]
    public async Task AReadIsNotAnsweredUntilItsAuditEventIsCommitted()
    {
        var (patient, reportId) = await PatientWithResultAsync();

        Task<HttpResponseMessage> list, one;
        await using (await LockAuditTableAsync())
        {
            list = patient.Client.GetAsync("/api/v1/results");
            one = patient.Client.GetAsync($"/api/v1/results/{reportId}");
            await Task.Delay(1500);
            Assert.False(list.IsCompleted, "The list was answered before its audit event was written.");
            Assert.False(one.IsCompleted, "The result was answered before its audit event was written.");
            Assert.Equal(0, await EventsAsync(patient.Id, AuditActions.ResultList));
            // Disposing the connection ends the locking transaction.
        }

        var page = await (await list.WaitAsync(Answered)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<Page<ResultSummary>>();
        Assert.Equal([reportId], page!.Items.Select(r => r.Id));
        (await one.WaitAsync(Answered)).EnsureSuccessStatusCode();
        Assert.Equal(1, await EventsAsync(patient.Id, AuditActions.ResultList));
        Assert.Equal(1, await EventsAsync(patient.Id, AuditActions.ResultRead));
    }

    [Fact]
    public async Task EventsQueuedBehindAWriteInFlightAreCommittedTogether()
    {
        var first = await PatientWithResultAsync();
        var others = new List<(Patient Patient, Guid ReportId)>();
        for (var i = 0; i < 12; i++) others.Add(await PatientWithResultAsync());

        var measured = new ConcurrentQueue<(string Instrument, long Value, string? Outcome)>();
        using var listener = Listen(measured);
        Task<HttpResponseMessage> held;
        List<Task<HttpResponseMessage>> queued;
        await using (await LockAuditTableAsync())
        {
            held = first.Patient.Client.GetAsync("/api/v1/results");
            await WriteInFlightAsync(queued: 0);
            queued = others.Select(o => o.Patient.Client.GetAsync("/api/v1/results")).ToList();
            await WriteInFlightAsync(queued: others.Count);
        }

        foreach (var response in await Task.WhenAll(queued.Append(held)).WaitAsync(Answered)) response.EnsureSuccessStatusCode();
        var ids = string.Join(",", others.Select(o => $"'{o.Patient.Id}'"));
        Assert.Equal(others.Count, await fixture.Database.ScalarAsync<long>($"select count(*) from audit_events where customer_id in ({ids})"));
        // One insert, one transaction, for the twelve events that waited together.
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>($"select count(distinct xmin::text) from audit_events where customer_id in ({ids})"));
        Assert.Contains(("dtc.audit.batch.size", (long)others.Count, (string?)null), measured);
    }

    [Fact]
    public async Task AnEventTheDatabaseRefusesFailsItsOwnReadWithoutItsDataAndNoOther()
    {
        var refused = await PatientWithResultAsync();
        var neighbour = await PatientWithResultAsync();
        var first = await PatientWithResultAsync();
        await using (var setup = new NpgsqlConnection(fixture.Database.ConnectionString))
        {
            await setup.OpenAsync();
            await using var command = new NpgsqlCommand($"""
                create function refuse_audit() returns trigger language plpgsql as $$
                begin raise exception 'audit refused for this test'; end $$;
                create trigger refuse_audit before insert on audit_events for each row
                    when (new.customer_id = '{refused.Patient.Id}') execute function refuse_audit();
                """, setup);
            await command.ExecuteNonQueryAsync();
        }

        var measured = new ConcurrentQueue<(string Instrument, long Value, string? Outcome)>();
        using var listener = Listen(measured);
        Task<HttpResponseMessage> held, refusedList, neighbourList;
        await using (await LockAuditTableAsync())
        {
            held = first.Patient.Client.GetAsync("/api/v1/results");
            await WriteInFlightAsync(queued: 0);
            refusedList = refused.Patient.Client.GetAsync("/api/v1/results");
            neighbourList = neighbour.Patient.Client.GetAsync("/api/v1/results");
            await WriteInFlightAsync(queued: 2); // the two share the next write, which the trigger fails
        }

        (await held.WaitAsync(Answered)).EnsureSuccessStatusCode();
        var response = await refusedList.WaitAsync(Answered);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.InternalServerError);
        Assert.DoesNotContain(refused.ReportId.ToString(), await response.Content.ReadAsStringAsync());
        var page = await (await neighbourList.WaitAsync(Answered)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<Page<ResultSummary>>();
        Assert.Equal([neighbour.ReportId], page!.Items.Select(r => r.Id));
        Assert.Equal(0, await EventsAsync(refused.Patient.Id, AuditActions.ResultList));
        Assert.Equal(1, await EventsAsync(neighbour.Patient.Id, AuditActions.ResultList));
        Assert.Equal([1L], measured.Where(m => m.Instrument == "dtc.audit.events" && m.Outcome == "failed").Select(m => m.Value));
        Assert.Equal(2, measured.Where(m => m.Instrument == "dtc.audit.events" && m.Outcome == "written").Sum(m => m.Value)); // the held one, the neighbour
    }

    /// <summary>
    /// The log is created by the first request that reads PHI, and its writer then serves every request: its
    /// writes must not go on in that first request's trace, however long the replica runs, nor in the trace of any
    /// one request they serve. (The request's log scope flows the same way; the trace is what this test reads.)
    /// </summary>
    [Fact]
    public async Task TheWriterRunsOutsideTheTraceOfTheRequestThatCreatedIt()
    {
        var patient = await Api.SignUpAsync();
        var database = new NpgsqlConnectionStringBuilder(fixture.Database.ConnectionString).Database;
        var inserts = new ConcurrentQueue<ActivityTraceId>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                // This class's database only: the other classes' APIs write their own audit events meanwhile.
                if (activity.TagObjects.Any(t => t.Value is string text && text == database)
                    && activity.TagObjects.Any(t => t.Value is string text && text.StartsWith("insert into audit_events", StringComparison.Ordinal)))
                    inserts.Enqueue(activity.TraceId);
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("Dtc.Tests.AuditLog");

        AuditLog log;
        ActivityTraceId creator;
        using (var first = source.StartActivity("first request"))
        {
            creator = first!.TraceId;
            log = new AuditLog(Api.Services.GetRequiredService<IServiceScopeFactory>(), Api.Services.GetRequiredService<IMeterFactory>(),
                NullLogger<AuditLog>.Instance);
        }
        await using (log)
        {
            ActivityTraceId later;
            using (var second = source.StartActivity("a later request"))
            {
                later = second!.TraceId;
                await log.WriteAsync(Event(patient.Id)).WaitAsync(Answered);
            }
            Assert.Equal(1, await EventsAsync(patient.Id, AuditActions.ResultList));
            Assert.Single(inserts);
            Assert.DoesNotContain(creator, inserts);
            Assert.DoesNotContain(later, inserts);
        }
    }

    static AuditEvent Event(Guid customerId) => new()
    {
        OccurredAt = DateTimeOffset.UtcNow,
        ActorId = customerId,
        Action = AuditActions.ResultList,
        CustomerId = customerId,
        ResourceType = AuditActions.LabReport,
    };
}
