namespace Dtc.Data.Operations;

/// <summary>One run of one scheduled task in one minute slot; (task, slot) is unique.</summary>
public class CronRun
{
    public long Id { get; set; }
    public required string Task { get; set; }
    public DateTimeOffset Slot { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string Outcome { get; set; } = "running";
    /// <summary>What the task did, as JSON (e.g. {"deleted": 3}).</summary>
    public string Counts { get; set; } = "{}";
    public string? Error { get; set; }
    public string? Host { get; set; }
}

public class HealthSnapshot
{
    public long Id { get; set; }
    public DateTimeOffset TakenAt { get; set; }
    public bool DatabaseHealthy { get; set; }
    public bool BrokerHealthy { get; set; }
    /// <summary>Queue name → {messages, consumers}, as JSON.</summary>
    public string Queues { get; set; } = "{}";
    public long OutboxBacklog { get; set; }
    public long WorkerBacklog { get; set; }
}
