using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;

namespace Dtc.Messaging;

/// <summary>Spans and metrics of the bus. One trace runs from the publisher's span through the broker to every handler.</summary>
public sealed class MessagingTelemetry : IDisposable
{
    public const string Name = "Dtc.Messaging";
    public static readonly ActivitySource Source = new(Name);

    readonly Meter _meter;
    public Counter<long> Published { get; }
    public Counter<long> Confirmed { get; }
    public Counter<long> PublishFailed { get; }
    public Counter<long> Consumed { get; }
    public Counter<long> Duplicates { get; }
    public Counter<long> Retried { get; }
    public Counter<long> Parked { get; }
    public Histogram<double> HandlerDuration { get; }
    public Histogram<int> BatchSize { get; }
    public Counter<long> BatchRollbacks { get; }

    /// <summary>Last outbox figures the relay read; exported as gauges.</summary>
    public long OutboxBacklog;
    public double OutboxOldestAgeSeconds;

    public MessagingTelemetry(IMeterFactory meters)
    {
        _meter = meters.Create(Name);
        Published = _meter.CreateCounter<long>("dtc.messaging.published", description: "Messages handed to the broker by the outbox relay.");
        Confirmed = _meter.CreateCounter<long>("dtc.messaging.confirmed", description: "Publishes the broker confirmed.");
        PublishFailed = _meter.CreateCounter<long>("dtc.messaging.publish_failed", description: "Publishes nacked, returned or lost; retried later.");
        Consumed = _meter.CreateCounter<long>("dtc.messaging.consumed", description: "Messages handled and acked, by queue and type.");
        Duplicates = _meter.CreateCounter<long>("dtc.messaging.duplicates", description: "Redeliveries acked without effect (inbox hit).");
        Retried = _meter.CreateCounter<long>("dtc.messaging.retried", description: "Messages sent to a delay queue after a transient failure.");
        Parked = _meter.CreateCounter<long>("dtc.messaging.parked", description: "Poison messages parked with their reason.");
        HandlerDuration = _meter.CreateHistogram<double>("dtc.messaging.handler.duration", unit: "s", description: "Handler time, transaction and ack included.");
        BatchSize = _meter.CreateHistogram<int>("dtc.messaging.batch.size", unit: "{message}", description: "Messages handled in one transaction by a batching consumer.");
        BatchRollbacks = _meter.CreateCounter<long>("dtc.messaging.batch.rollbacks", description: "Batches rolled back because one message failed or a deadlock; their messages are then handled one by one.");
        _meter.CreateObservableGauge("dtc.messaging.outbox.backlog", () => Volatile.Read(ref OutboxBacklog), description: "Unpublished outbox rows.");
        _meter.CreateObservableGauge("dtc.messaging.outbox.oldest_age", () => Volatile.Read(ref OutboxOldestAgeSeconds), unit: "s", description: "Age of the oldest unpublished outbox row.");
    }

    public static string? HeaderString(IDictionary<string, object?>? headers, string key) =>
        headers is not null && headers.TryGetValue(key, out var value) ? value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            string s => s,
            null => null,
            var other => other.ToString(),
        } : null;

    /// <summary>The parent context a publisher put in the headers, if any.</summary>
    public static ActivityContext ExtractParent(IDictionary<string, object?>? headers) =>
        ActivityContext.TryParse(HeaderString(headers, Envelope.TraceParent), HeaderString(headers, Envelope.TraceState), out var context)
            ? context
            : default;

    public static void Inject(Activity? activity, IDictionary<string, object?> headers)
    {
        if (activity is null) return;
        headers[Envelope.TraceParent] = activity.Id;
        if (activity.TraceStateString is { Length: > 0 } state) headers[Envelope.TraceState] = state;
    }

    public void Dispose() => _meter.Dispose();
}
