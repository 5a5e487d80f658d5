using System.Diagnostics;
using System.Text.Json;

namespace Dtc.Bench.Faults;

/// <summary>
/// <c>faults --results 10000 --poison 50 --consumer-dll … --infra …/scripts/infra.sh</c>: the fault
/// suite against the servers infra.sh runs with the caller's environment (bench/faults.sh gives them a
/// data folder and ports of their own). Exit code 0 only when the run is clean.
/// </summary>
public static class FaultCommand
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var infra = options.Get("infra");
        var run = new FaultRun(BenchOptions.Database, BenchOptions.Broker, options.Get("consumer-dll"),
            () => Infra(infra, "mq-restart"), () => Infra(infra, "pg-crash-restart"))
        {
            Results = options.Int("results", 10_000),
            Poison = options.Int("poison", 50),
            PerSecond = options.Int("rate", 500),
            Timeout = TimeSpan.FromMinutes(options.Int("timeout-minutes", 10)),
            Log = line => Console.Error.WriteLine($"[faults {DateTime.UtcNow:HH:mm:ss}] {line}"),
        };
        var report = await run.RunAsync();
        Console.WriteLine(JsonSerializer.Serialize(report));
        return report.Clean ? 0 : 1;
    }

    static async Task Infra(string script, string verb)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [script, verb]))!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"infra.sh {verb} exited with {process.ExitCode}");
    }
}
