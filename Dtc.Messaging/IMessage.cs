namespace Dtc.Messaging;

/// <summary>
/// A message contract: a record with a type (its routing key on <c>dtc.events</c>) and a schema
/// version. A consumer reads the version from the envelope and can upgrade old shapes.
/// </summary>
public interface IMessage
{
    static abstract string MessageType { get; }
    static virtual int SchemaVersion => 1;
}

/// <summary>The AMQP header and property names of Dtc's envelope (DESIGN.md §3).</summary>
public static class Envelope
{
    public const string OccurredAt = "occurred_at";
    public const string CausationId = "causation_id";
    public const string SchemaVersion = "schema_version";
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";
    public const string RetryCount = "x-retry-count";
    public const string ParkedReason = "x-parked-reason";
    public const string ParkedReasonCode = "x-parked-reason-code";
    public const string ParkedBy = "x-parked-by";
    public const string ParkedAt = "x-parked-at";
    public const string JsonContentType = "application/json";
}
