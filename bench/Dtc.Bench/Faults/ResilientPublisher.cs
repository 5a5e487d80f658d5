using Dtc.Messaging;
using RabbitMQ.Client;

namespace Dtc.Bench.Faults;

/// <summary>
/// The external LIS: publishes with confirms and, like a real interface engine, keeps every message
/// until the broker confirmed it, re-sending across a broker restart (same message id, same MSH-10).
/// </summary>
public sealed class ResilientPublisher(string broker)
{
    public int Resent { get; private set; }

    public async Task PublishAllAsync(IReadOnlyList<(Guid Id, byte[] Body)> messages, int perSecond, CancellationToken ct)
    {
        var factory = new ConnectionFactory { Uri = new Uri(broker), AutomaticRecoveryEnabled = false };
        var next = 0;
        IConnection? connection = null;
        IChannel? channel = null;
        var started = DateTime.UtcNow;
        while (next < messages.Count)
        {
            try
            {
                if (channel is not { IsOpen: true })
                {
                    if (connection is not null) await connection.DisposeAsync();
                    connection = await factory.CreateConnectionAsync(ct);
                    channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true), ct);
                }
                var batch = messages.Skip(next).Take(50).ToList();
                var pending = batch.Select(m => channel.BasicPublishAsync(Topology.Events, "lis.result", true, new BasicProperties
                {
                    MessageId = m.Id.ToString(), Type = "lis.result", ContentType = "x-application/hl7-v2+er7",
                    DeliveryMode = DeliveryModes.Persistent, Headers = new Dictionary<string, object?>(),
                }, m.Body, ct).AsTask()).ToList();
                await Task.WhenAll(pending);
                next += batch.Count;
                var due = started + TimeSpan.FromSeconds((double)next / perSecond);
                if (due > DateTime.UtcNow) await Task.Delay(due - DateTime.UtcNow, ct);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // Unconfirmed: the whole batch goes again once the broker is back.
                Resent++;
                await Task.Delay(500, ct);
            }
        }
        if (connection is not null) await connection.DisposeAsync();
    }
}
