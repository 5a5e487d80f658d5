namespace Dtc.Cron.Running;

/// <summary>What a task did in one run, e.g. {"deleted": 3}; stored as the run's counts.</summary>
public sealed class CronCounts : Dictionary<string, long>
{
    public CronCounts() : base(StringComparer.Ordinal) { }
}

/// <summary>
/// One scheduled task (DESIGN.md §5). Runs once per minute slot, in its own DI scope; it catches up
/// on everything that is due (a skipped minute is made good by the next), and its effects are safe
/// to repeat, so that at-least-once is enough.
/// </summary>
public interface ICronTask
{
    static abstract string Name { get; }

    Task<CronCounts> RunAsync(DateTimeOffset slot, CancellationToken ct);
}

/// <summary>A task type and its name, in the order the runner runs them.</summary>
public sealed record CronTaskRegistration(string Name, Type Type);
