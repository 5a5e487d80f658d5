using System.Text.Json;

namespace Dtc.Tests.Api;

/// <summary>
/// The API's thread-pool workers wait for work without spinning first, and it runs the workstation GC
/// (Dtc.Api.csproj): replicas that share cores with each other and the database ran the results list faster and
/// on less CPU per request with each (docs/PERFORMANCE.md, "2026-12-03, 06:15" and "12:05"). The settings travel in
/// the API's runtimeconfig.json, which every way of running it reads (dotnet run, the AppHost, the published image).
/// </summary>
public sealed class ThreadPoolSettingsTests
{
    [Fact]
    public void TheApiRuntimeConfigTurnsTheWorkersSpinningOffAndTheServerGcOff()
    {
        // Built beside the tests from Dtc.Api's project reference: the same file the API's build and publish write.
        var path = Path.Combine(AppContext.BaseDirectory, "Dtc.Api.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out var spin),
            $"{path} does not set the thread pool's spin limit");
        Assert.Equal(0, spin.GetInt32());
        Assert.True(properties.TryGetProperty("System.GC.Server", out var server), $"{path} does not choose the GC");
        Assert.False(server.GetBoolean());
    }
}
