using System.Text;
using Dtc.Messaging;
using Dtc.Tests.Infrastructure;
using RabbitMQ.Client;

namespace Dtc.Tests.Messaging;

/// <summary>Reads what was parked for the customer queue.</summary>
public static class Parking
{
    public sealed record Parked(string? MessageId, string Type, string ReasonCode, string Reason, string Body);

    public static async Task<List<Parked>> WaitForAsync(TestBroker broker, int count, string queue = Topology.Queues.Customer)
    {
        var parkingQueue = Topology.ParkingQueue(queue);
        await Eventually.Until(() => broker.QueueDepthAsync(parkingQueue), d => d >= count, $"{count} parked message(s) in {parkingQueue}");
        await using var connection = await broker.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var parked = new List<Parked>();
        while (await channel.BasicGetAsync(parkingQueue, autoAck: false) is { } message)
        {
            var headers = message.BasicProperties.Headers;
            parked.Add(new Parked(message.BasicProperties.MessageId, message.BasicProperties.Type ?? "",
                Header(headers, Envelope.ParkedReasonCode), Header(headers, Envelope.ParkedReason), Encoding.UTF8.GetString(message.Body.Span)));
        }
        return parked;
    }

    static string Header(IDictionary<string, object?>? headers, string key) => MessagingTelemetry.HeaderString(headers, key) ?? "";
}
