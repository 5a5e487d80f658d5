using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using RabbitMQ.Client;

namespace Dtc.Tests.Infrastructure;

/// <summary>A RabbitMQ virtual host of its own for one test (class): its exchanges and queues are invisible to others.</summary>
public sealed class TestBroker : IAsyncDisposable
{
    static readonly HttpClient sharedManagement = CreateManagementClient(TestEnvironment.RabbitMqManagement, TestEnvironment.RabbitMqPassword);

    readonly HttpClient management;
    readonly string amqpBase;
    public string VirtualHost { get; }
    public string ConnectionString => $"{amqpBase}/{VirtualHost}";

    TestBroker(string vhost, string amqpBase, HttpClient management) => (VirtualHost, this.amqpBase, this.management) = (vhost, amqpBase, management);

    public static Task<TestBroker> CreateAsync() => CreateAsync(TestEnvironment.RabbitMqBase, sharedManagement);

    /// <summary>A virtual host on another broker node (the fault tests run one of their own).</summary>
    public static Task<TestBroker> CreateAsync(string amqpBase, string managementUrl, string password) =>
        CreateAsync(amqpBase.TrimEnd('/'), CreateManagementClient(managementUrl, password));

    static async Task<TestBroker> CreateAsync(string amqpBase, HttpClient management)
    {
        var vhost = "t_" + Guid.NewGuid().ToString("N")[..16];
        (await management.PutAsync($"api/vhosts/{vhost}", null)).EnsureSuccessStatusCode();
        (await management.PutAsJsonAsync($"api/permissions/{vhost}/{TestEnvironment.RabbitMqUser}",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        return new TestBroker(vhost, amqpBase, management);
    }

    public async Task<IConnection> ConnectAsync() =>
        await new ConnectionFactory { Uri = new Uri(ConnectionString), ClientProvidedName = "test" }.CreateConnectionAsync();

    /// <summary>Messages ready in a queue, exact at this instant (a passive declare; the management API's figures lag by seconds).</summary>
    /// <summary>The bus topology, declared before any service starts (so that a test can fill a queue first).</summary>
    public async Task DeclareTopologyAsync()
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await Dtc.Messaging.Topology.DeclareAsync(channel, new Dtc.Messaging.MessagingOptions(), CancellationToken.None);
    }

    public async Task<long> QueueDepthAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }

    static HttpClient CreateManagementClient(string url, string password)
    {
        var client = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestEnvironment.RabbitMqUser}:{password}")));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        try { await management.DeleteAsync($"api/vhosts/{VirtualHost}"); }
        catch (HttpRequestException) { }
    }
}
