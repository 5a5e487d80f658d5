using System.Diagnostics.Metrics;

namespace Dtc.Consumers.Customers;

public sealed class CustomerTelemetry
{
    public const string Name = "Dtc.Customers";

    readonly Counter<long> _updates;
    readonly Counter<long> _closures;

    public CustomerTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _updates = meter.CreateCounter<long>("dtc.customers.updates",
            description: "Customer changes by type and outcome (applied, already-applied, stale, closed).");
        _closures = meter.CreateCounter<long>("dtc.customers.closures", description: "Accounts closed and anonymised.");
    }

    public void Update(string type, UpdateOutcome outcome) =>
        _updates.Add(1, new("type", type), new("outcome", outcome switch
        {
            UpdateOutcome.Applied => "applied",
            UpdateOutcome.AlreadyApplied => "already-applied",
            UpdateOutcome.Stale => "stale",
            _ => "closed",
        }));

    public void Closed() => _closures.Add(1);
}
