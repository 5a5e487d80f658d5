using System.Text.Json;
using Dtc.Messaging.Outbox;
using Microsoft.Extensions.DependencyInjection;

namespace Dtc.Messaging.Consuming;

public delegate Task MessageDispatch(IServiceProvider services, MessageContext context, CancellationToken ct);

/// <summary>The handlers of one queue, built at start-up with <c>Handle&lt;TMessage, THandler&gt;()</c>.</summary>
public sealed class ConsumerRegistration(string queue, IServiceCollection services)
{
    public string Queue { get; } = queue;
    public ushort Prefetch { get; set; } = 100;
    /// <summary>Transactions one process runs at once: messages in single mode, batches when batching.</summary>
    public ushort Concurrency { get; set; } = 8;
    /// <summary>
    /// Above 1: the messages already delivered, up to this many, are handled in one transaction (see
    /// MessageConsumer.Batch.cs). Handlers are created per message either way; the DbContext is the transaction's.
    /// </summary>
    public ushort BatchSize { get; set; } = 1;
    internal Dictionary<string, MessageDispatch> Handlers { get; } = new(StringComparer.Ordinal);
    /// <summary>The batch's reads ahead of its handlers (<see cref="ReadBatchesWith{TReader}"/>), if the queue has them.</summary>
    internal Func<IServiceProvider, IReadOnlyList<MessageContext>, CancellationToken, Task>? ReadBatch { get; private set; }
    /// <summary>Fault injection for tests: runs after the commit and before the ack.</summary>
    internal Func<MessageContext, Task>? AfterCommit { get; set; }

    public ConsumerRegistration Handle<TMessage, THandler>()
        where TMessage : IMessage
        where THandler : class, IMessageHandler<TMessage>
    {
        services.AddTransient<THandler>();
        Handlers.Add(TMessage.MessageType, (sp, context, ct) =>
        {
            TMessage message;
            try
            {
                message = JsonSerializer.Deserialize<TMessage>(context.Body.Span, OutboxExtensions.Json)
                    ?? throw new PoisonMessageException("empty-body", "The message body is empty (null).");
            }
            catch (JsonException ex)
            {
                throw new PoisonMessageException("unparseable", $"The body is not a valid {TMessage.MessageType}: {ex.Message}", ex);
            }
            return sp.GetRequiredService<THandler>().HandleAsync(message, context, ct);
        });
        return this;
    }

    /// <summary>
    /// A batch's new messages are first given to <typeparamref name="TReader"/> (one per transaction: scoped),
    /// which can read what all their handlers need in one round trip; see <see cref="IBatchReader"/>.
    /// </summary>
    public ConsumerRegistration ReadBatchesWith<TReader>() where TReader : class, IBatchReader
    {
        services.AddScoped<TReader>();
        ReadBatch = (sp, messages, ct) => sp.GetRequiredService<TReader>().ReadAsync(messages, ct);
        return this;
    }

    public ConsumerRegistration HandleRaw<THandler>(string type) where THandler : class, IRawMessageHandler
    {
        services.AddTransient<THandler>();
        Handlers.Add(type, (sp, context, ct) => sp.GetRequiredService<THandler>().HandleAsync(context, ct));
        return this;
    }
}
