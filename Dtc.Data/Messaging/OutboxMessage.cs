namespace Dtc.Data.Messaging;

/// <summary>A message written in the same transaction as the state change it announces; a relay publishes it.</summary>
public class OutboxMessage
{
    /// <summary>Publication order (identity).</summary>
    public long Seq { get; set; }
    /// <summary>The envelope's message_id, also the AMQP message-id.</summary>
    public Guid MessageId { get; set; }
    public required string Type { get; set; }
    public required string Exchange { get; set; }
    public required string RoutingKey { get; set; }
    public required string ContentType { get; set; }
    public required byte[] Body { get; set; }
    /// <summary>AMQP headers as JSON (envelope fields, traceparent, tracestate).</summary>
    public required string Headers { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public string? LockedBy { get; set; }
    public string? LastError { get; set; }
}

/// <summary>A message a consumer has handled; written in the same transaction as the handler's effect.</summary>
public class InboxMessage
{
    public required string Consumer { get; set; }
    public Guid MessageId { get; set; }
    public required string Type { get; set; }
    public DateTimeOffset ProcessedAt { get; set; }
}
