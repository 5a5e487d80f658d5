using RabbitMQ.Client;

namespace Dtc.Messaging;

/// <summary>
/// Every exchange, queue and binding of Dtc, declared idempotently by every service at start-up,
/// so that no message is published before the queue that must receive it exists.
/// </summary>
public static class Topology
{
    public const string Events = "dtc.events";
    /// <summary>Delay queues dead-letter back to their work queue through the default exchange.</summary>
    public const string Retry = "dtc.retry";
    public const string Parking = "dtc.parking";

    /// <summary>Deliveries of one message before the broker itself parks it (a handler that crashes the process).</summary>
    public const int DeliveryLimit = 10;

    public static class Queues
    {
        public const string LisTestResult = "lis.testresult";
        public const string Customer = "customer";
        public const string HomekitRegister = "homekit.register";
        public const string WorkerDefault = "wrk.default";
    }

    /// <summary>Which message types each queue receives (routing keys on <see cref="Events"/>).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Routes = new Dictionary<string, string[]>
    {
        [Queues.LisTestResult] = ["lis.result"],
        [Queues.Customer] = ["customer.*", "crm.customer-updated"],
        [Queues.HomekitRegister] = ["kit.shipped", "kit.registration-requested"],
        [Queues.WorkerDefault] = ["notification.send", "sync.*", "order.placed", "order.cancelled", "email.send"],
    };

    /// <summary>
    /// Hand-off queues for systems outside Dtc (the LIS interface engine, the fulfilment partner's
    /// connector, the CRM): nothing in Dtc consumes them, their integration drains them. They exist
    /// because the relay publishes with <c>mandatory</c>: a type no queue is bound for would come back
    /// and never leave the outbox. No retry or parking queues: Dtc does not consume them.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> Outbound = new Dictionary<string, string[]>
    {
        ["lis.orders.outbound"] = ["lis.order"],
        ["fulfilment.outbound"] = ["fulfilment.contact-changed"],
        ["crm.outbound"] = ["kit.registered", "kit.registration-rejected", "result.released", "specimen.rejected"],
    };

    public static string ParkingQueue(string queue) => queue + ".parked";
    /// <summary>A delay queue is named after its delay, so that changing the delays declares new queues instead of clashing.</summary>
    public static string RetryQueue(string queue, TimeSpan delay) => $"{queue}.retry.{Format(delay)}";

    static string Format(TimeSpan delay) => delay.TotalMilliseconds switch
    {
        var ms when ms % 60_000 == 0 => $"{ms / 60_000}m",
        var ms when ms % 1_000 == 0 => $"{ms / 1_000}s",
        var ms => $"{ms}ms",
    };

    public static async Task DeclareAsync(IChannel channel, MessagingOptions? options = null, CancellationToken ct = default)
    {
        options ??= new MessagingOptions();
        await channel.ExchangeDeclareAsync(Events, ExchangeType.Topic, durable: true, cancellationToken: ct);
        await channel.ExchangeDeclareAsync(Retry, ExchangeType.Direct, durable: true, cancellationToken: ct);
        await channel.ExchangeDeclareAsync(Parking, ExchangeType.Direct, durable: true, cancellationToken: ct);
        foreach (var (queue, keys) in Routes)
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, WorkQueueArguments(queue), cancellationToken: ct);
            foreach (var key in keys)
            {
                await channel.QueueBindAsync(queue, Events, key, cancellationToken: ct);
            }
            var parked = ParkingQueue(queue);
            await channel.QueueDeclareAsync(parked, durable: true, exclusive: false, autoDelete: false,
                new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: ct);
            await channel.QueueBindAsync(parked, Parking, queue, cancellationToken: ct);
            foreach (var delay in options.EffectiveRetryDelays)
            {
                var retry = RetryQueue(queue, delay);
                await channel.QueueDeclareAsync(retry, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
                {
                    ["x-message-ttl"] = (int)delay.TotalMilliseconds,
                    ["x-dead-letter-exchange"] = "",
                    ["x-dead-letter-routing-key"] = queue,
                }, cancellationToken: ct);
                await channel.QueueBindAsync(retry, Retry, retry, cancellationToken: ct);
            }
        }
        foreach (var (queue, keys) in Outbound)
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
                new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: ct);
            foreach (var key in keys) await channel.QueueBindAsync(queue, Events, key, cancellationToken: ct);
        }
    }

    static Dictionary<string, object?> WorkQueueArguments(string queue) => new()
    {
        ["x-queue-type"] = "quorum",
        // RabbitMQ 3.10 has no default: without it a message that crashes its consumer loops forever.
        ["x-delivery-limit"] = DeliveryLimit,
        ["x-dead-letter-exchange"] = Parking,
        ["x-dead-letter-routing-key"] = queue,
    };
}
