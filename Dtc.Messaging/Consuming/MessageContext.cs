namespace Dtc.Messaging.Consuming;

/// <summary>What a handler knows about the message it is handling, beside its body.</summary>
public sealed class MessageContext
{
    public required string Queue { get; init; }
    public required Guid MessageId { get; init; }
    public required string Type { get; init; }
    public required string ContentType { get; init; }
    public required ReadOnlyMemory<byte> Body { get; init; }
    public required IReadOnlyDictionary<string, object?> Headers { get; init; }
    public Guid CorrelationId { get; init; }
    public int SchemaVersion { get; init; } = 1;
    public DateTimeOffset? OccurredAt { get; init; }
    /// <summary>0 for the first attempt, then the number of delayed retries so far.</summary>
    public int Retry { get; init; }
    public bool Redelivered { get; init; }
    /// <summary>
    /// Other messages share this message's transaction (a batch): the handler may leave its writes to the
    /// transaction's next round trip (<see cref="DeferredStatements"/>).
    /// </summary>
    public bool InBatch { get; init; }

    public string? Header(string name) => MessagingTelemetry.HeaderString(Headers as IDictionary<string, object?> ?? Headers.ToDictionary(), name);
}

/// <summary>One handler class per message type, registered explicitly for its queue.</summary>
public interface IMessageHandler<in T> where T : IMessage
{
    Task HandleAsync(T message, MessageContext context, CancellationToken ct);
}

/// <summary>A handler for a body that is not a JSON contract (HL7 v2, FHIR).</summary>
public interface IRawMessageHandler
{
    Task HandleAsync(MessageContext context, CancellationToken ct);
}

/// <summary>
/// Reads for a whole batch, ahead of its handlers (<see cref="ConsumerRegistration.ReadBatchesWith{TReader}"/>):
/// called once per batch of two or more, in the batch's transaction, after its inbox rows and before the first
/// handler, with the batch's new messages in delivery order. The reader keeps what it read for the handlers of
/// the same transaction scope; a handler that finds nothing there (or something an earlier handler of the batch
/// has changed since) reads for itself. It must not throw for a message it cannot read (that is the handler's to
/// park): it leaves it out. A message handled on its own is not given to it.
/// </summary>
public interface IBatchReader
{
    Task ReadAsync(IReadOnlyList<MessageContext> messages, CancellationToken ct);
}

/// <summary>
/// Thrown by a handler (or the consumer) for a message that can never succeed: it is parked at once
/// with the reason in its headers, and the queue keeps flowing.
/// </summary>
public sealed class PoisonMessageException(string reasonCode, string reason, Exception? inner = null)
    : Exception(reason, inner)
{
    public string ReasonCode { get; } = reasonCode;

    /// <summary>
    /// Runs once the message is actually parked (a message that fails inside a batch is handled again
    /// on its own before it is parked): where a handler counts its parked messages.
    /// </summary>
    public Action? OnParked { get; init; }
}
