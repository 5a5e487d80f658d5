using System.Diagnostics.Metrics;

namespace Dtc.Consumers.Kits;

/// <summary>The kit metrics SREs watch: registration success rate (accepted over accepted + rejected), by reason.</summary>
public sealed class KitTelemetry
{
    public const string Name = "Dtc.Kits";

    readonly Counter<long> _registrations;
    readonly Counter<long> _shipped;

    public KitTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _registrations = meter.CreateCounter<long>("dtc.kits.registrations",
            description: "Kit registration decisions, by outcome (accepted, rejected, replayed) and reason.");
        _shipped = meter.CreateCounter<long>("dtc.kits.shipped", description: "Kits added to the inventory by kit.shipped.");
    }

    // Counted inside the handler: a commit that fails after it (rare) is retried and counted again.
    public void Decided(RegistrationDecision decision) =>
        _registrations.Add(1, new("outcome", decision.Accepted ? "accepted" : "rejected"), new("reason", decision.Reason));

    /// <summary>A registration already decided, sent again (a new message id): no effect.</summary>
    public void Replayed() => _registrations.Add(1, new("outcome", "replayed"), new("reason", "already-decided"));

    public void Shipped(string productCode) => _shipped.Add(1, new KeyValuePair<string, object?>("product", productCode));
}
