using System.Diagnostics;

namespace Dtc.Tests.Infrastructure;

/// <summary>
/// The local PostgreSQL and RabbitMQ servers the tests use. scripts/test.sh exports their settings;
/// a bare <c>dotnet test</c> starts them through scripts/infra.sh (idempotent).
/// </summary>
public static class TestEnvironment
{
    static readonly Lazy<IReadOnlyDictionary<string, string>> settings = new(Load);

    public static string PostgresAdmin => settings.Value["DTC_PG_ADMIN"];
    public static string RabbitMqBase => settings.Value["ConnectionStrings__rabbitmq"].TrimEnd('/');
    public static string RabbitMqManagement => settings.Value["DTC_MQ_MANAGEMENT"];
    public static string RabbitMqUser => settings.Value["DTC_MQ_USER"];
    public static string RabbitMqPassword => settings.Value["DTC_MQ_PASSWORD"];
    public static string RepoRoot { get; } = FindRepoRoot();

    static IReadOnlyDictionary<string, string> Load()
    {
        string[] keys = ["DTC_PG_ADMIN", "ConnectionStrings__rabbitmq", "DTC_MQ_MANAGEMENT", "DTC_MQ_USER", "DTC_MQ_PASSWORD"];
        if (keys.All(k => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(k))))
        {
            return keys.ToDictionary(k => k, k => Environment.GetEnvironmentVariable(k)!);
        }
        var script = Path.Combine(RepoRoot, "scripts", "infra.sh");
        Run(script, "start");
        return Run(script, "env").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.StartsWith("export ", StringComparison.Ordinal) ? line[7..] : line)
            .Select(line => (Key: line[..line.IndexOf('=')], Value: line[(line.IndexOf('=') + 1)..].Trim('\'')))
            .ToDictionary(p => p.Key, p => p.Value);
    }

    static string Run(string script, string verb)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [script, verb]) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} {verb} exited with {process.ExitCode}");
        return output;
    }

    static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dtc.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Dtc.sln not found above the test binaries.");
    }
}
