using System.Diagnostics;
using System.Threading.Channels;
using Dtc.Messaging.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Dtc.Messaging.Consuming;

/// <summary>
/// Consumes one queue: manual acks after the database commit, the inbox row and the handler's effect
/// in one transaction, delayed retries for transient failures, parking with the reason for poison.
/// A message is acked only once it is handled, known as a duplicate, or safely re-published.
/// </summary>
public sealed partial class MessageConsumer(
    ConsumerRegistration registration, IConnection connection, IServiceScopeFactory scopes,
    ConfirmingPublisher publisher, MessagingTelemetry telemetry, IOptions<MessagingOptions> options,
    ILogger<MessageConsumer> logger) : BackgroundService
{
    IChannel? _channel;
    int _inFlight;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batching = registration.BatchSize > 1;
        // Batching: the client's callback only queues the delivery; lanes take what has arrived, up to a batch.
        var arrived = batching ? Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleWriter = true }) : null;
        _channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(false, false, consumerDispatchConcurrency: batching ? (ushort)1 : registration.Concurrency), stoppingToken);
        await _channel.BasicQosAsync(0, registration.Prefetch, false, stoppingToken);
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += (_, args) =>
        {
            var delivery = Delivery.Copy(args);
            if (arrived is null) return OnDeliveryAsync(delivery, stoppingToken);
            arrived.Writer.TryWrite(delivery);
            return Task.CompletedTask;
        };
        var lanes = arrived is null ? [] : Enumerable.Range(0, registration.Concurrency).Select(_ => RunLaneAsync(arrived.Reader, stoppingToken)).ToArray();
        var tag = await _channel.BasicConsumeAsync(registration.Queue, autoAck: false, consumer, stoppingToken);
        LogConsuming(registration.Queue, registration.Handlers.Keys);
        try { await Task.Delay(Timeout.Infinite, stoppingToken); }
        catch (OperationCanceledException) { }
        // Stop taking new deliveries, let the ones in hand finish (their acks need the channel).
        try { await _channel.BasicCancelAsync(tag, noWait: false, CancellationToken.None); } catch (Exception) { }
        arrived?.Writer.TryComplete();
        await Task.WhenAny(Task.WhenAll(lanes), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
        for (var i = 0; i < 100 && Volatile.Read(ref _inFlight) > 0; i++) await Task.Delay(50, CancellationToken.None);
    }

    async Task OnDeliveryAsync(Delivery delivery, CancellationToken stoppingToken)
    {
        Interlocked.Increment(ref _inFlight);
        try { await HandleDeliveryAsync(delivery, stoppingToken); }
        finally { Interlocked.Decrement(ref _inFlight); }
    }

    async Task HandleDeliveryAsync(Delivery delivery, CancellationToken stoppingToken)
    {
        var channel = _channel!;
        var started = Stopwatch.GetTimestamp();
        var (props, type) = (delivery.Properties, delivery.Type);
        using var activity = StartActivity(delivery);
        var outcome = "handled";
        try
        {
            var context = BuildContext(delivery);
            if (!registration.Handlers.TryGetValue(type, out var dispatch))
            {
                throw new PoisonMessageException("unknown-type", $"No handler for message type '{type}' on queue '{registration.Queue}'.");
            }
            var handled = await HandleInTransactionAsync(delivery, context, dispatch, stoppingToken);
            outcome = handled ? "handled" : "duplicate";
            (handled ? telemetry.Consumed : telemetry.Duplicates).Add(1, Tags(type));
            if (registration.AfterCommit is { } afterCommit) await afterCommit(context);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-handler: the transaction rolled back; the broker redelivers to someone else.
            outcome = "requeued";
            await TryNackAsync(channel, delivery.Tag);
        }
        catch (Exception ex)
        {
            outcome = await FailAsync(channel, delivery, ex);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
        }
        if (outcome is "handled" or "duplicate") await AckAsync(channel, delivery);
        activity?.SetTag("dtc.outcome", outcome);
        telemetry.HandlerDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, Tags(type, outcome));
    }

    /// <summary>The effect is committed: if this ack is lost the broker redelivers, and the inbox makes that a no-op.</summary>
    async Task AckAsync(IChannel channel, Delivery delivery)
    {
        try { await channel.BasicAckAsync(delivery.Tag, false, CancellationToken.None); }
        catch (Exception ex) { LogAckLost(ex, delivery.Properties.MessageId, registration.Queue); }
    }

    Activity? StartActivity(Delivery delivery)
    {
        var activity = MessagingTelemetry.Source.StartActivity(
            $"{delivery.Type} process", ActivityKind.Consumer, MessagingTelemetry.ExtractParent(delivery.Headers));
        activity?.SetTag("messaging.system", "rabbitmq");
        activity?.SetTag("messaging.destination.name", registration.Queue);
        activity?.SetTag("messaging.message.id", delivery.Properties.MessageId);
        return activity;
    }

    MessageContext BuildContext(Delivery delivery, bool inBatch = false)
    {
        var (props, headers) = (delivery.Properties, delivery.Headers);
        if (!Guid.TryParse(props.MessageId, out var messageId))
        {
            throw new PoisonMessageException("missing-message-id", "The message has no message-id (a uuid): it cannot be de-duplicated.");
        }
        _ = int.TryParse(MessagingTelemetry.HeaderString(headers, Envelope.SchemaVersion), out var schema);
        _ = int.TryParse(MessagingTelemetry.HeaderString(headers, Envelope.RetryCount), out var retry);
        return new MessageContext
        {
            Queue = registration.Queue,
            MessageId = messageId,
            Type = delivery.Type,
            ContentType = props.ContentType ?? Envelope.JsonContentType,
            Body = delivery.Body,
            Headers = headers,
            CorrelationId = Guid.TryParse(props.CorrelationId, out var correlation) ? correlation : messageId,
            SchemaVersion = schema == 0 ? 1 : schema,
            OccurredAt = DateTimeOffset.TryParse(MessagingTelemetry.HeaderString(headers, Envelope.OccurredAt), out var at) ? at : null,
            Retry = retry,
            Redelivered = delivery.Redelivered,
            InBatch = inBatch,
        };
    }

    /// <summary>Returns false when the inbox already holds the message: a duplicate, acked without effect.</summary>
    async Task<bool> HandleInTransactionAsync(Delivery delivery, MessageContext context, MessageDispatch dispatch, CancellationToken ct)
    {
        var item = new BatchItem(delivery, context, dispatch);
        await HandleInTransactionAsync([item], traceEach: false, ct);
        return item.Handled;
    }
}

/// <summary>A delivery as the consumer keeps it: the client reuses the body's buffer once its callback returns.</summary>
internal sealed record Delivery(ulong Tag, IReadOnlyBasicProperties Properties, Dictionary<string, object?> Headers, string Type, byte[] Body, bool Redelivered)
{
    public static Delivery Copy(BasicDeliverEventArgs args)
    {
        var props = args.BasicProperties;
        var headers = props.Headers is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(props.Headers);
        return new Delivery(args.DeliveryTag, props, headers, props.Type ?? args.RoutingKey, args.Body.ToArray(), args.Redelivered);
    }
}
