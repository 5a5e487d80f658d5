using Dtc.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dtc.Tests.Api;

/// <summary>
/// Dtc.Api in the test process against a test database and virtual host, with a clock the test moves.
/// Several factories on one database behave as replicas of one deployment.
/// </summary>
public sealed class ApiFactory(TestDatabase database, TestBroker broker, IReadOnlyDictionary<string, string?>? settings = null, TestClock? clock = null)
    : WebApplicationFactory<Dtc.Api.ApiEntryPoint>
{
    /// <summary>Generous limits: tests of other features must never meet them; rate-limit tests set their own.</summary>
    public static readonly IReadOnlyDictionary<string, string?> RelaxedLimits = new Dictionary<string, string?>
    {
        ["RateLimits:General:PermitLimit"] = "100000",
        ["RateLimits:SignIn:PermitLimit"] = "100000",
        ["RateLimits:PasswordReset:PermitLimit"] = "100000",
        ["RateLimits:KitRegistration:PermitLimit"] = "100000",
    };

    public TestDatabase Database => database;
    /// <summary>Replicas of one deployment share a clock: pass the first one's to the others.</summary>
    public TestClock Clock { get; } = clock ?? new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:dtc", database.ConnectionString);
        builder.UseSetting("ConnectionStrings:rabbitmq", broker.ConnectionString);
        foreach (var (key, value) in settings ?? RelaxedLimits) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>The system clock plus an offset the test advances (e.g. past an access token's expiry).</summary>
public sealed class TestClock : TimeProvider
{
    TimeSpan _offset;

    public void Advance(TimeSpan by) => _offset += by;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;
}

/// <summary>One database, broker vhost and API per test class; each test signs up patients of its own.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    TestDatabase? _database;
    TestBroker? _broker;

    public ApiFactory Api { get; private set; } = null!;
    public TestDatabase Database => _database!;
    public TestBroker Broker => _broker!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _broker = await TestBroker.CreateAsync();
        Api = new ApiFactory(_database, _broker);
        _ = Api.Server; // start now, not inside the first test
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await _broker!.DisposeAsync();
        await _database!.DisposeAsync();
    }
}
