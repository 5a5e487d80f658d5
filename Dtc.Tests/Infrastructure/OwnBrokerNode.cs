
namespace Dtc.Tests.Infrastructure;

/// <summary>
/// A RabbitMQ node of the tests' own (its own data folder, ports and node name), so that restarting it
/// disturbs no other test. Started with scripts/infra.sh, like the shared one.
/// </summary>
public sealed class OwnBrokerNode : IAsyncLifetime
{
    readonly Dictionary<string, string> _environment = new()
    {
        ["DTC_DATA"] = Path.Combine(TestEnvironment.RepoRoot, ".data", "fault-broker"),
        ["DTC_MQ_NODE"] = "dtcfault",
        ["DTC_MQ_PORT"] = "56829",
        ["DTC_MQ_MGMT_PORT"] = "15779",
        ["DTC_MQ_DIST_PORT"] = "25779",
    };

    public string AmqpBase { get; private set; } = "";
    public string ManagementUrl => "http://127.0.0.1:15779";
    public string Password { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await RunAsync("mq-start");
        foreach (var line in (await RunAsync("env")).Split('\n'))
        {
            var value = line.Contains('=') ? line[(line.IndexOf('=') + 1)..].Trim('\'') : "";
            if (line.StartsWith("export ConnectionStrings__rabbitmq=", StringComparison.Ordinal)) AmqpBase = value.TrimEnd('/');
            if (line.StartsWith("export DTC_MQ_PASSWORD=", StringComparison.Ordinal)) Password = value;
        }
    }

    public Task<TestBroker> CreateVirtualHostAsync() => TestBroker.CreateAsync(AmqpBase, ManagementUrl, Password);

    /// <summary>Stops the node (every connection drops) and starts it again from its data.</summary>
    public Task RestartAsync() => RunAsync("mq-restart");

    public Task DisposeAsync() => RunAsync("mq-stop");

    Task<string> RunAsync(string verb) => InfraScript.RunAsync(verb, _environment);
}
