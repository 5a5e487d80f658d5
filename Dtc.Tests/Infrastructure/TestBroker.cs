using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using RabbitMQ.Client;

namespace Dtc.Tests.Infrastructure;

/// <summary>A RabbitMQ virtual host of its own for one test (class): its exchanges and queues are invisible to others.</summary>
public sealed class TestBroker : IAsyncDisposable
{
    static readonly HttpClient management = CreateManagementClient();

    public string VirtualHost { get; }
    public string ConnectionString => $"{TestEnvironment.RabbitMqBase}/{VirtualHost}";

    TestBroker(string vhost) => VirtualHost = vhost;

    public static async Task<TestBroker> CreateAsync()
    {
        var vhost = "t_" + Guid.NewGuid().ToString("N")[..16];
        (await management.PutAsync($"api/vhosts/{vhost}", null)).EnsureSuccessStatusCode();
        (await management.PutAsJsonAsync($"api/permissions/{vhost}/{TestEnvironment.RabbitMqUser}",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        return new TestBroker(vhost);
    }

    public async Task<IConnection> ConnectAsync() =>
        await new ConnectionFactory { Uri = new Uri(ConnectionString), ClientProvidedName = "test" }.CreateConnectionAsync();

    /// <summary>Messages ready in a queue, read through the management API.</summary>
    public async Task<long> QueueDepthAsync(string queue)
    {
        var info = await management.GetFromJsonAsync<QueueInfo>($"api/queues/{VirtualHost}/{Uri.EscapeDataString(queue)}");
        return info?.messages ?? 0;
    }

    sealed record QueueInfo(long messages);

    static HttpClient CreateManagementClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(TestEnvironment.RabbitMqManagement.TrimEnd('/') + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestEnvironment.RabbitMqUser}:{TestEnvironment.RabbitMqPassword}")));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        try { await management.DeleteAsync($"api/vhosts/{VirtualHost}"); }
        catch (HttpRequestException) { }
    }
}
