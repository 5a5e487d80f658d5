using System.Text;
using System.Text.Json;
using Dtc.Messaging;
using RabbitMQ.Client;

namespace Dtc.Tests.Infrastructure;

/// <summary>Publishes to dtc.events as an external system would (the LIS, fulfilment, the CRM): with confirms, no outbox.</summary>
public sealed class ExternalPublisher : IAsyncDisposable
{
    readonly IConnection _connection;
    readonly IChannel _channel;

    ExternalPublisher(IConnection connection, IChannel channel) => (_connection, _channel) = (connection, channel);

    public static async Task<ExternalPublisher> ConnectAsync(TestBroker broker, MessagingOptions? options = null)
    {
        var connection = await broker.ConnectAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        await Topology.DeclareAsync(channel, options);
        return new ExternalPublisher(connection, channel);
    }

    public Task<Guid> PublishAsync<T>(T message, Guid? messageId = null) where T : IMessage =>
        PublishRawAsync(T.MessageType, JsonSerializer.SerializeToUtf8Bytes(message, new JsonSerializerOptions(JsonSerializerDefaults.Web)),
            Envelope.JsonContentType, messageId);

    public Task<Guid> PublishRawAsync(string type, string body, string contentType, Guid? messageId = null) =>
        PublishRawAsync(type, Encoding.UTF8.GetBytes(body), contentType, messageId);

    public async Task<Guid> PublishRawAsync(string type, byte[] body, string contentType, Guid? messageId = null,
        IDictionary<string, object?>? headers = null)
    {
        var id = messageId ?? Guid.NewGuid();
        var properties = new BasicProperties
        {
            MessageId = id.ToString(),
            Type = type,
            ContentType = contentType,
            DeliveryMode = DeliveryModes.Persistent,
            Headers = headers ?? new Dictionary<string, object?>(),
        };
        await _channel.BasicPublishAsync(Topology.Events, type, mandatory: true, properties, body);
        return id;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
