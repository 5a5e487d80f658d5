using System.Diagnostics;

namespace Dtc.Tests.Infrastructure;

/// <summary>Runs scripts/infra.sh with extra environment (a data folder and ports of a test's own servers).</summary>
public static class InfraScript
{
    public static async Task<string> RunAsync(string verb, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(TestEnvironment.RepoRoot, "scripts", "infra.sh"), verb])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"infra.sh {verb} failed: {await errors}");
        return await output;
    }
}
