using Dtc.Data;
using Dtc.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dtc.Tests.Infrastructure;

/// <summary>
/// A Dtc service host in the test process (database, bus, and whatever <c>configure</c> adds, e.g. a
/// consumer role), against a test database and virtual host. Dispose stops it like SIGTERM would.
/// </summary>
public sealed class ServiceHost : IAsyncDisposable
{
    public IHost Host { get; }
    public IServiceProvider Services => Host.Services;

    ServiceHost(IHost host) => Host = host;

    public static async Task<ServiceHost> StartAsync(TestDatabase database, TestBroker broker,
        Action<HostApplicationBuilder>? configure = null, bool runRelay = true, IDictionary<string, string?>? settings = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:dtc"] = database.ConnectionString,
            ["ConnectionStrings:rabbitmq"] = broker.ConnectionString,
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddDtcDatabase();
        builder.AddDtcMessaging(runRelay);
        configure?.Invoke(builder);
        var host = builder.Build();
        await host.StartAsync();
        return new ServiceHost(host);
    }

    /// <summary>Runs <paramref name="work"/> with a fresh DbContext of this host, then saves.</summary>
    public async Task InScopeAsync(Func<DtcDbContext, Task> work)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DtcDbContext>();
        await work(db);
        await db.SaveChangesAsync();
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try { await Host.StopAsync(timeout.Token); }
        finally { Host.Dispose(); }
    }
}
