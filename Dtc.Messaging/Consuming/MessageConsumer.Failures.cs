using Dtc.Messaging.Publishing;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Dtc.Messaging.Consuming;

public sealed partial class MessageConsumer
{
    /// <summary>Retries a transient failure after a delay, parks poison; acks only once the copy is confirmed.</summary>
    async Task<string> FailAsync(IChannel channel, Delivery delivery, Exception error)
    {
        var (headers, type, body) = (delivery.Headers, delivery.Type, delivery.Body);
        _ = int.TryParse(MessagingTelemetry.HeaderString(headers, Envelope.RetryCount), out var retries);
        var poison = error as PoisonMessageException;
        var delays = options.Value.EffectiveRetryDelays;
        var park = poison is not null || retries >= delays.Count;
        var copy = new Dictionary<string, object?>(headers);
        string exchange, routingKey, outcome;
        if (park)
        {
            var code = poison?.ReasonCode ?? "retries-exhausted";
            var reason = poison?.Message ?? $"Failed after {retries} retries: {error.GetType().Name}: {error.Message}";
            copy[Envelope.ParkedReasonCode] = code;
            copy[Envelope.ParkedReason] = Truncate(reason, 1000);
            copy[Envelope.ParkedBy] = Environment.MachineName;
            copy[Envelope.ParkedAt] = DateTimeOffset.UtcNow.ToString("O");
            (exchange, routingKey, outcome) = (Topology.Parking, registration.Queue, "parked");
            LogParked(error, delivery.Properties.MessageId, type, registration.Queue, code, reason);
        }
        else
        {
            copy[Envelope.RetryCount] = retries + 1;
            (exchange, routingKey, outcome) = (Topology.Retry, Topology.RetryQueue(registration.Queue, delays[retries]), "retried");
            LogRetry(error, delivery.Properties.MessageId, type, registration.Queue, retries + 1, delays[retries]);
        }
        var props = delivery.Properties;
        var message = new OutgoingMessage(
            Guid.TryParse(props.MessageId, out var id) ? id : Guid.Empty, type, exchange, routingKey,
            props.ContentType ?? Envelope.JsonContentType, body, copy);
        var failed = (await publisher.PublishAsync([message], CancellationToken.None))[0];
        if (failed is not null)
        {
            // Could not set the message aside: give it back to the queue rather than lose it.
            LogRequeue(failed, props.MessageId, registration.Queue);
            await TryNackAsync(channel, delivery.Tag);
            return "requeued";
        }
        (park ? telemetry.Parked : telemetry.Retried).Add(1, Tags(type, poison?.ReasonCode ?? (park ? "retries-exhausted" : "transient")));
        if (park) poison?.OnParked?.Invoke();
        await channel.BasicAckAsync(delivery.Tag, false, CancellationToken.None);
        return outcome;
    }

    static async Task TryNackAsync(IChannel channel, ulong tag)
    {
        try { await channel.BasicNackAsync(tag, false, requeue: true, CancellationToken.None); }
        catch (Exception) { /* channel gone: the broker requeues unacked deliveries itself */ }
    }

    System.Diagnostics.TagList Tags(string type, string? outcome = null)
    {
        var tags = new System.Diagnostics.TagList { { "queue", registration.Queue }, { "type", type } };
        if (outcome is not null) tags.Add("outcome", outcome);
        return tags;
    }

    static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    [LoggerMessage(LogLevel.Information, "Consuming {Queue} for {Types}")]
    partial void LogConsuming(string queue, IEnumerable<string> types);

    [LoggerMessage(LogLevel.Error, "Parked message {MessageId} ({Type}) from {Queue}: {ReasonCode} {Reason}")]
    partial void LogParked(Exception error, string? messageId, string type, string queue, string reasonCode, string reason);

    [LoggerMessage(LogLevel.Warning, "Message {MessageId} ({Type}) on {Queue} failed; retry {Retry} in {Delay}")]
    partial void LogRetry(Exception error, string? messageId, string type, string queue, int retry, TimeSpan delay);

    [LoggerMessage(LogLevel.Warning, "Ack of handled message {MessageId} on {Queue} was lost; the redelivery will be a no-op")]
    partial void LogAckLost(Exception error, string? messageId, string queue);

    [LoggerMessage(LogLevel.Error, "Could not set message {MessageId} aside from {Queue}; requeued")]
    partial void LogRequeue(Exception error, string? messageId, string queue);
}
