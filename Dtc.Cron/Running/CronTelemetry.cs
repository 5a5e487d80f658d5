using System.Diagnostics.Metrics;

namespace Dtc.Cron.Running;

/// <summary>Meter <c>Dtc.Cron</c>: success and duration per task, and the last health snapshot as gauges.</summary>
public sealed class CronTelemetry
{
    public const string Name = "Dtc.Cron";

    readonly Counter<long> _runs;
    readonly Histogram<double> _duration;
    readonly Counter<long> _overdue;
    volatile HealthFigures? _health;

    public sealed record HealthFigures(bool Database, bool Broker, IReadOnlyDictionary<string, (long Messages, long Consumers)> Queues, long OutboxBacklog, long WorkerBacklog);

    public CronTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _runs = meter.CreateCounter<long>("dtc.cron.task.runs", description: "Task runs by task and outcome (succeeded, failed).");
        _duration = meter.CreateHistogram<double>("dtc.cron.task.duration", unit: "s", description: "Task run time by task and outcome.");
        _overdue = meter.CreateCounter<long>("dtc.cron.results_overdue", description: "Kits found past their panel's turnaround without results.");
        meter.CreateObservableGauge("dtc.health.database_up", () => _health is { } h ? (h.Database ? 1 : 0) : 0);
        meter.CreateObservableGauge("dtc.health.broker_up", () => _health is { } h ? (h.Broker ? 1 : 0) : 0);
        meter.CreateObservableGauge("dtc.health.outbox_backlog", () => _health?.OutboxBacklog ?? 0, description: "Unpublished outbox rows at the last snapshot.");
        meter.CreateObservableGauge("dtc.health.worker_backlog", () => _health?.WorkerBacklog ?? 0, description: "Jobs waiting for wrk-default at the last snapshot.");
        meter.CreateObservableGauge("dtc.health.queue_messages", () => Per(q => q.Messages), description: "Messages ready per queue at the last snapshot.");
        meter.CreateObservableGauge("dtc.health.queue_consumers", () => Per(q => q.Consumers), description: "Consumers per queue at the last snapshot.");
    }

    public void TaskRan(string task, string outcome, TimeSpan duration)
    {
        var tags = new System.Diagnostics.TagList { { "task", task }, { "outcome", outcome } };
        _runs.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }

    public void ResultsOverdue(long kits) => _overdue.Add(kits);

    public void Health(HealthFigures figures) => _health = figures;

    IEnumerable<Measurement<long>> Per(Func<(long Messages, long Consumers), long> pick) =>
        _health?.Queues.Select(q => new Measurement<long>(pick(q.Value), new KeyValuePair<string, object?>("queue", q.Key))) ?? [];
}
