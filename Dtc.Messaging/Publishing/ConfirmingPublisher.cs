using System.Diagnostics;
using System.Text.Json;
using RabbitMQ.Client;

namespace Dtc.Messaging.Publishing;

/// <summary>A message ready for the wire.</summary>
public sealed record OutgoingMessage(
    Guid MessageId, string Type, string Exchange, string RoutingKey, string ContentType,
    ReadOnlyMemory<byte> Body, IDictionary<string, object?> Headers);

/// <summary>
/// Publishes with publisher confirms, many in flight at once: each publish completes when the broker
/// has confirmed it (or throws on a nack, a return or a lost connection).
/// </summary>
public sealed class ConfirmingPublisher(IConnection connection, MessagingTelemetry telemetry) : IAsyncDisposable
{
    /// <summary>Confirms awaited together; the client's limiter admits this many plus as many queued (MEASURED.md).</summary>
    public const int MaxInFlight = 256;

    /// <summary>A confirm not back by then counts as lost: the row is retried on a fresh channel.</summary>
    public static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(15);

    readonly SemaphoreSlim _gate = new(1, 1);
    IChannel? _channel;
    volatile bool _broken;

    async ValueTask<IChannel> ChannelAsync(CancellationToken ct)
    {
        if (!_broken && _channel is { IsOpen: true } open) return open;
        await _gate.WaitAsync(ct);
        try
        {
            if (!_broken && _channel is { IsOpen: true } again) return again;
            if (_channel is not null)
            {
                try { await _channel.DisposeAsync(); } catch (Exception) { /* already gone with its connection */ }
            }
            // A channel that went down is not reused even once the client has recovered it: confirms
            // outstanding across the outage may never come back, and a fresh channel starts clean.
            _broken = false;
            var channel = await connection.CreateChannelAsync(new CreateChannelOptions(
                publisherConfirmationsEnabled: true,
                publisherConfirmationTrackingEnabled: true,
                outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(MaxInFlight)), ct);
            channel.ChannelShutdownAsync += (_, _) =>
            {
                _broken = true;
                return Task.CompletedTask;
            };
            return _channel = channel;
        }
        finally { _gate.Release(); }
    }

    /// <summary>Publishes a batch; returns, per message, null when confirmed or the error that stopped it.</summary>
    public async Task<Exception?[]> PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken ct)
    {
        var outcome = new Exception?[messages.Count];
        IChannel channel;
        try { channel = await ChannelAsync(ct); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Array.Fill(outcome, ex);
            return outcome;
        }
        for (var start = 0; start < messages.Count; start += MaxInFlight)
        {
            var count = Math.Min(MaxInFlight, messages.Count - start);
            var pending = new Task[count];
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ConfirmTimeout);
            for (var i = 0; i < count; i++) pending[i] = PublishOneAsync(channel, messages[start + i], timeout.Token);
            for (var i = 0; i < count; i++)
            {
                try { await pending[i]; }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    outcome[start + i] = ex;
                    if (ex is OperationCanceledException) _broken = true;
                }
            }
        }
        return outcome;
    }

    async Task PublishOneAsync(IChannel channel, OutgoingMessage message, CancellationToken ct)
    {
        var parent = MessagingTelemetry.ExtractParent(message.Headers);
        using var activity = MessagingTelemetry.Source.StartActivity($"{message.RoutingKey} publish", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.system", "rabbitmq");
        activity?.SetTag("messaging.destination.name", message.Exchange);
        activity?.SetTag("messaging.rabbitmq.destination.routing_key", message.RoutingKey);
        activity?.SetTag("messaging.message.id", message.MessageId.ToString());
        var headers = new Dictionary<string, object?>(message.Headers);
        MessagingTelemetry.Inject(activity, headers);
        var properties = new BasicProperties
        {
            MessageId = message.MessageId.ToString(),
            Type = message.Type,
            ContentType = message.ContentType,
            DeliveryMode = DeliveryModes.Persistent,
            CorrelationId = MessagingTelemetry.HeaderString(headers, "correlation_id"),
            Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
            Headers = headers,
        };
        telemetry.Published.Add(1, new KeyValuePair<string, object?>("type", message.Type));
        try
        {
            // mandatory: a message no queue is bound for comes back as an error instead of vanishing.
            await channel.BasicPublishAsync(message.Exchange, message.RoutingKey, mandatory: true, properties, message.Body, ct);
            telemetry.Confirmed.Add(1, new KeyValuePair<string, object?>("type", message.Type));
        }
        catch (Exception ex)
        {
            telemetry.PublishFailed.Add(1, new KeyValuePair<string, object?>("type", message.Type));
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    internal static Dictionary<string, object?> ParseHeaders(string json)
    {
        var headers = new Dictionary<string, object?>();
        foreach (var property in JsonDocument.Parse(json).RootElement.EnumerateObject())
        {
            headers[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.Number => property.Value.GetInt32(),
                JsonValueKind.String => property.Value.GetString(),
                _ => property.Value.GetRawText(),
            };
        }
        return headers;
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null) await _channel.DisposeAsync();
    }
}
