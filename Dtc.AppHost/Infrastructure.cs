using Microsoft.Extensions.Configuration;
using System.Diagnostics;

namespace Dtc.AppHost;

/// <summary>
/// Where PostgreSQL and RabbitMQ come from:
/// <list type="bullet">
/// <item><c>containers</c>: AddPostgres / AddRabbitMQ, persistent with data volumes (needs a container runtime);</item>
/// <item><c>local</c>: servers from Debian packages on loopback, started by scripts/infra.sh, passed as connection strings;</item>
/// <item>publishing: external connection strings, as in production (a Kubernetes Secret).</item>
/// </list>
/// <c>Infra=auto</c> (the default) takes containers where <c>docker info</c> answers, else local.
/// </summary>
public static class Infrastructure
{
    public static (IResourceBuilder<IResourceWithConnectionString> Database, IResourceBuilder<IResourceWithConnectionString> Broker)
        AddDtcInfrastructure(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return (builder.AddConnectionString(DtcResources.Database), builder.AddConnectionString(DtcResources.Broker));
        }
        var mode = builder.Configuration["Infra"] ?? "auto";
        if (mode == "auto") mode = ContainerRuntimeAnswers() ? "containers" : "local";
        if (mode == "containers")
        {
            var postgres = builder.AddPostgres("postgres").WithLifetime(ContainerLifetime.Persistent).WithDataVolume();
            var rabbit = builder.AddRabbitMQ(DtcResources.Broker).WithLifetime(ContainerLifetime.Persistent).WithDataVolume().WithManagementPlugin();
            return (postgres.AddDatabase(DtcResources.Database), rabbit);
        }
        if (mode != "local") throw new InvalidOperationException($"Infra must be auto, containers or local (got '{mode}').");
        StartLocalServers(builder);
        return (builder.AddConnectionString(DtcResources.Database), builder.AddConnectionString(DtcResources.Broker));
    }

    static bool ContainerRuntimeAnswers()
    {
        try
        {
            using var docker = Process.Start(new ProcessStartInfo("docker", "info")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            });
            if (docker is null) return false;
            if (!docker.WaitForExit(TimeSpan.FromSeconds(5))) { docker.Kill(); return false; }
            return docker.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }

    /// <summary>
    /// F5 without a container runtime: when the connection strings are not given, start the local
    /// servers with the repo's script and read them from it.
    /// </summary>
    static void StartLocalServers(IDistributedApplicationBuilder builder)
    {
        if (builder.Configuration.GetConnectionString(DtcResources.Database) is not null
            && builder.Configuration.GetConnectionString(DtcResources.Broker) is not null) return;
        var script = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "scripts", "infra.sh"));
        Run(script, "start");
        foreach (var line in Run(script, "env").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // export Name='value'
            var assignment = line.StartsWith("export ", StringComparison.Ordinal) ? line[7..] : line;
            var eq = assignment.IndexOf('=');
            if (eq < 0) continue;
            var name = assignment[..eq].Replace("__", ":");
            builder.Configuration[name] = assignment[(eq + 1)..].Trim('\'');
        }
    }

    static string Run(string script, string verb)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [script, verb])
        {
            RedirectStandardOutput = true, UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"Could not run {script}");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} {verb} failed with exit code {process.ExitCode}");
        return output;
    }
}
