using System.Diagnostics;
using System.Text.Json;
using Dtc.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dtc.Cron.Running;

public sealed record TaskRun(string Task, string Outcome, CronCounts Counts, string? Error);

/// <summary>What one copy did with one minute slot. <see cref="Ran"/> is false when another copy held the slot.</summary>
public sealed record SlotRun(DateTimeOffset Slot, bool Ran, IReadOnlyList<TaskRun> Tasks)
{
    public bool Failed => Tasks.Any(t => t.Outcome == CronRunner.Failed);
}

/// <summary>
/// Runs one minute slot's tasks, once however many copies start:
/// <list type="number">
/// <item>a PostgreSQL session advisory lock: while one copy runs, any other (the same minute's twin,
/// or the next minute's run while this one overruns) skips instead of overlapping;</item>
/// <item>a (task, slot) row inserted before each task: a copy that gets the lock after the first
/// finished finds the rows and runs nothing again. The row then records outcome and counts.</item>
/// </list>
/// Each task runs in its own scope, with a timeout; a failing task is recorded and the next one runs.
/// </summary>
public sealed partial class CronRunner(
    IServiceScopeFactory scopes, IEnumerable<CronTaskRegistration> tasks, CronTelemetry telemetry,
    IOptions<CronOptions> options, TimeProvider clock, ILogger<CronRunner> logger)
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    /// <summary>"DtcCron" in ASCII: the advisory lock of the cron.</summary>
    public const long LockKey = 0x44_74_63_43_72_6F_6E;

    static readonly string host = $"{Environment.MachineName}/{Environment.ProcessId}";

    public static DateTimeOffset SlotOf(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    public async Task<SlotRun> RunSlotAsync(DateTimeOffset slot, CancellationToken ct)
    {
        slot = SlotOf(slot);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DtcDbContext>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (!await db.Database.SqlQuery<bool>($"select pg_try_advisory_lock({LockKey}) as \"Value\"").SingleAsync(ct))
            {
                LogBusy(slot);
                return new SlotRun(slot, false, []);
            }
            try
            {
                var runs = new List<TaskRun>();
                foreach (var task in tasks)
                {
                    if (await RunTaskAsync(db, task, slot, ct) is { } run) runs.Add(run);
                }
                return new SlotRun(slot, true, runs);
            }
            finally
            {
                // A pooled connection would keep a session lock: give it back explicitly.
                await db.Database.ExecuteSqlAsync($"select pg_advisory_unlock({LockKey})", CancellationToken.None);
            }
        }
        finally { await db.Database.CloseConnectionAsync(); }
    }

    async Task<TaskRun?> RunTaskAsync(DtcDbContext db, CronTaskRegistration task, DateTimeOffset slot, CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        var id = (await db.Database.SqlQuery<long>($"""
            insert into cron_runs (task, slot, started_at, outcome, counts, host)
            values ({task.Name}, {slot}, {started}, 'running', {"{}"}::jsonb, {host})
            on conflict (task, slot) do nothing
            returning id as "Value"
            """).ToListAsync(ct)).FirstOrDefault();
        if (id == 0) return null; // this slot's run of the task was made by another copy

        var stopwatch = Stopwatch.StartNew();
        var counts = new CronCounts();
        string outcome = Succeeded, error = "";
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Value.TaskTimeout);
            await using var taskScope = scopes.CreateAsyncScope();
            var instance = (ICronTask)taskScope.ServiceProvider.GetRequiredService(task.Type);
            counts = await instance.RunAsync(slot, timeout.Token);
        }
        catch (Exception ex)
        {
            (outcome, error) = (Failed, ex is OperationCanceledException && !ct.IsCancellationRequested ? $"Timed out after {options.Value.TaskTimeout}" : ex.ToString());
            LogTaskFailed(ex, task.Name, slot);
        }
        var json = JsonSerializer.Serialize(counts);
        await db.Database.ExecuteSqlAsync($"""
            update cron_runs set finished_at = {clock.GetUtcNow()}, outcome = {outcome}, counts = {json}::jsonb,
                error = {(error.Length == 0 ? null : error[..Math.Min(error.Length, 4000)])}
            where id = {id}
            """, CancellationToken.None);
        telemetry.TaskRan(task.Name, outcome, stopwatch.Elapsed);
        LogTaskRan(task.Name, slot, outcome, json, stopwatch.ElapsedMilliseconds);
        return new TaskRun(task.Name, outcome, counts, outcome == Failed ? error : null);
    }

    [LoggerMessage(LogLevel.Information, "Slot {Slot:u} skipped: another copy of the cron holds the lock")]
    partial void LogBusy(DateTimeOffset slot);

    [LoggerMessage(LogLevel.Error, "Cron task {Task} failed in slot {Slot:u}")]
    partial void LogTaskFailed(Exception error, string task, DateTimeOffset slot);

    [LoggerMessage(LogLevel.Information, "Cron task {Task} in slot {Slot:u}: {Outcome} {Counts} in {Elapsed} ms")]
    partial void LogTaskRan(string task, DateTimeOffset slot, string outcome, string counts, long elapsed);
}
