using System.Text.Json;

namespace Dtc.Bench.Faults;

/// <summary>
/// <c>api-faults --registrations 5000 --replicas 3 --api-dll … --consumer-dll …</c>: kit registrations
/// across API replicas while one is SIGKILLed, against the database and broker of the caller's environment
/// (bench/faults.sh gives them servers of their own). Exit code 0 only when every 2xx ended in a decision.
/// </summary>
public static class ApiFaultCommand
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var run = new ApiFaultRun(BenchOptions.Database, BenchOptions.Broker, options.Get("api-dll"), options.Get("consumer-dll"))
        {
            Registrations = options.Int("registrations", 5_000),
            Replicas = options.Int("replicas", 3),
            Concurrency = options.Int("concurrency", 32),
            Patients = options.Int("patients", 50),
            RestartKilled = options.Get("restart", "yes") == "yes",
            Timeout = TimeSpan.FromMinutes(options.Int("timeout-minutes", 8)),
            Log = line => Console.Error.WriteLine($"[api-faults {DateTime.UtcNow:HH:mm:ss}] {line}"),
        };
        var report = await run.RunAsync();
        Console.WriteLine(JsonSerializer.Serialize(report));
        return report.Clean ? 0 : 1;
    }
}
