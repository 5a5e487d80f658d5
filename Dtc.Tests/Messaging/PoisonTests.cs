using Dtc.Messaging;
using Dtc.Tests.Infrastructure;

namespace Dtc.Tests.Messaging;

public sealed class PoisonTests
{
    [Fact]
    public async Task PoisonMessagesAreParkedWithTheirReasonAndTheMessagesBehindThemAreHandled()
    {
        await using var bus = await BusTest.CreateAsync();
        await using var host = await bus.StartConsumerAsync();
        await using var crm = await ExternalPublisher.ConnectAsync(bus.Broker);

        var unparseable = await crm.PublishRawAsync(Probe.MessageType, "{ this is not json", Envelope.JsonContentType);
        var invalid = await crm.PublishAsync(new Probe(41, Fail: "poison"));
        var unknown = await crm.PublishRawAsync("customer.never-heard-of", "{}", Envelope.JsonContentType);
        await crm.PublishRawAsync(Probe.MessageType, "{\"n\": 42}"u8.ToArray(), Envelope.JsonContentType, headers: null, messageId: null);
        for (var n = 100; n < 110; n++) await crm.PublishAsync(new Probe(n));

        var parked = await Parking.WaitForAsync(bus.Broker, 3);
        Assert.Equal(3, parked.Count);
        Assert.Equal("unparseable", parked.Single(p => p.MessageId == unparseable.ToString()).ReasonCode);
        Assert.Equal("{ this is not json", parked.Single(p => p.MessageId == unparseable.ToString()).Body);
        Assert.Equal("invalid-probe", parked.Single(p => p.MessageId == invalid.ToString()).ReasonCode);
        var unknownParked = parked.Single(p => p.MessageId == unknown.ToString());
        Assert.Equal("unknown-type", unknownParked.ReasonCode);
        Assert.Contains("customer.never-heard-of", unknownParked.Reason);

        await Eventually.Until(() => bus.EffectsAsync(), c => c == 11, "the eleven good messages behind the poison");
        Assert.Equal(0, await bus.Broker.QueueDepthAsync(Topology.Queues.Customer));
    }

    [Fact]
    public async Task MessageWithoutAMessageIdIsParked()
    {
        await using var bus = await BusTest.CreateAsync();
        await using var host = await bus.StartConsumerAsync();
        await using var connection = await bus.Broker.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(new RabbitMQ.Client.CreateChannelOptions(true, true));
        var properties = new RabbitMQ.Client.BasicProperties { Type = Probe.MessageType, ContentType = Envelope.JsonContentType };

        await channel.BasicPublishAsync(Topology.Events, Probe.MessageType, true, properties, "{\"n\": 5}"u8.ToArray());

        var parked = await Parking.WaitForAsync(bus.Broker, 1);
        Assert.Equal("missing-message-id", parked[0].ReasonCode);
        Assert.Equal(0, await bus.EffectsAsync());
    }
}
