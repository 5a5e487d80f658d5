using System.Diagnostics.Metrics;

namespace Dtc.Worker;

/// <summary>Meter <c>Dtc.Worker</c>: notification deliveries by channel and outcome, fulfilment calls by outcome.</summary>
public sealed class WorkerTelemetry
{
    public const string Name = "Dtc.Worker";

    readonly Counter<long> _deliveries;
    readonly Counter<long> _fulfilment;

    public WorkerTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _deliveries = meter.CreateCounter<long>("dtc.notifications.deliveries", description: "Notification deliveries by channel and outcome (sent, failed, retry, deferred, skipped, abandoned).");
        _fulfilment = meter.CreateCounter<long>("dtc.fulfilment.requests", description: "Calls to the fulfilment partner by operation and outcome.");
    }

    public void Delivery(string channel, string outcome) =>
        _deliveries.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", outcome));

    public void Fulfilment(string operation, string outcome) =>
        _fulfilment.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", outcome));
}
