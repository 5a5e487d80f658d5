using System.Diagnostics;
using System.Text.Json;
using Dtc.Data;
using Dtc.Data.Messaging;

namespace Dtc.Messaging.Outbox;

/// <summary>
/// The only way Dtc code publishes: a row added to the same DbContext as the state change, written by
/// its SaveChanges (one transaction). Nothing reaches the broker unless that transaction commits.
/// </summary>
public static class OutboxExtensions
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Guid Publish<T>(this DtcDbContext db, T message, Guid? messageId = null) where T : IMessage =>
        db.PublishRaw(T.MessageType, JsonSerializer.SerializeToUtf8Bytes(message, Json), Envelope.JsonContentType, T.SchemaVersion, messageId);

    /// <summary>Publishes a body that is not a JSON contract (e.g. an HL7 v2 message from the LIS simulator).</summary>
    public static Guid PublishRaw(this DtcDbContext db, string type, byte[] body, string contentType, int schemaVersion = 1, Guid? messageId = null)
    {
        var id = messageId ?? Guid.CreateVersion7();
        var scope = MessageScope.Current;
        var headers = new Dictionary<string, object?>
        {
            [Envelope.OccurredAt] = DateTimeOffset.UtcNow.ToString("O"),
            [Envelope.SchemaVersion] = schemaVersion,
            ["correlation_id"] = (scope?.CorrelationId ?? id).ToString(),
        };
        if (scope is not null) headers[Envelope.CausationId] = scope.MessageId.ToString();
        MessagingTelemetry.Inject(Activity.Current, headers);
        db.Outbox.Add(new OutboxMessage
        {
            MessageId = id,
            Type = type,
            Exchange = Topology.Events,
            RoutingKey = type,
            ContentType = contentType,
            Body = body,
            Headers = JsonSerializer.Serialize(headers, Json),
            CreatedAt = DateTimeOffset.UtcNow,
        });
        return id;
    }
}

/// <summary>The message being handled on this async flow: what an outgoing message was caused by.</summary>
public sealed record MessageScope(Guid MessageId, Guid CorrelationId)
{
    static readonly AsyncLocal<MessageScope?> current = new();
    public static MessageScope? Current { get => current.Value; internal set => current.Value = value; }
}
