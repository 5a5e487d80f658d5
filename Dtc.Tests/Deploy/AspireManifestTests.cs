using System.Reflection;
using System.Text.Json.Nodes;
using Dtc.AppHost;
using Dtc.Tests.Infrastructure;

namespace Dtc.Tests.Deploy;

/// <summary>The AppHost published fresh (`--publisher manifest`), as scripts/k8s-manifest.sh does.</summary>
public sealed class PublishedManifest : IAsyncLifetime
{
    public JsonObject Resources { get; private set; } = null!;
    public string Folder { get; } = Command.TempFolder();

    public async Task InitializeAsync()
    {
        // The AppHost this test assembly was built with (same configuration), run directly: ≈0.5 s.
        var configuration = typeof(PublishedManifest).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var appHost = Path.Combine(TestEnvironment.RepoRoot, "Dtc.AppHost", "bin", configuration, "net10.0", "Dtc.AppHost.dll");
        var output = Path.Combine(Folder, "aspire-manifest.json");
        await Command.RunAsync("dotnet", [appHost, "--publisher", "manifest", "--output-path", output],
            workingDirectory: Path.GetDirectoryName(appHost));
        Resources = AspireManifest.Resources(output);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }
}

public static class AspireManifest
{
    public static string Committed => Path.Combine(TestEnvironment.RepoRoot, "deploy", "aspire-manifest.json");

    /// <summary>A manifest's resources, project paths made relative to the repository (they are written relative to the file).</summary>
    public static JsonObject Resources(string manifestPath)
    {
        var resources = JsonNode.Parse(File.ReadAllText(manifestPath))!["resources"]!.AsObject();
        foreach (var (_, resource) in resources)
        {
            if (resource?["path"] is JsonValue path)
            {
                var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(manifestPath)!, (string)path!));
                resource["path"] = Path.GetRelativePath(TestEnvironment.RepoRoot, full);
            }
        }
        return resources;
    }
}

public sealed class AspireManifestTests(PublishedManifest published) : IClassFixture<PublishedManifest>
{
    static string Base => Path.Combine(TestEnvironment.RepoRoot, "deploy", "k8s", "base");

    [Fact]
    public void CommittedManifestIsWhatTheAppHostPublishes()
    {
        var committed = AspireManifest.Resources(AspireManifest.Committed);
        Assert.True(JsonNode.DeepEquals(published.Resources, committed),
            "deploy/aspire-manifest.json is not what the AppHost publishes: run scripts/k8s-manifest.sh, then scripts/k8s-generate.sh, and commit both.\n"
            + $"published:\n{published.Resources.ToJsonString()}\ncommitted:\n{committed.ToJsonString()}");
    }

    [Fact]
    public void EveryPublishedResourceHasABaseFolder()
    {
        var workloads = published.Resources.Where(r => (string?)r.Value!["type"] != "parameter.v0").Select(r => r.Key).ToList();
        Assert.All(workloads, name => Assert.True(File.Exists(Path.Combine(Base, name, "deployment.yaml")),
            $"'{name}' is published by the AppHost but deploy/k8s/base/{name} does not exist: run scripts/k8s-manifest.sh and scripts/k8s-generate.sh"));
        Assert.Equal(workloads.Order(), Directory.GetDirectories(Base).Select(Path.GetFileName).Order());
        var listed = File.ReadAllLines(Path.Combine(Base, "kustomization.yaml")).Where(l => l.StartsWith("- ", StringComparison.Ordinal)).Select(l => l[2..]);
        Assert.Equal(workloads, listed);
    }

    [Fact]
    public void PublishedTopologyIsTheServicesOverTwoExternalConnectionStrings()
    {
        string[] services = [DtcResources.Migrations, DtcResources.Api, .. DtcResources.Consumers.Select(c => c.Name), DtcResources.Worker, DtcResources.Cron];
        Assert.Equal(services.Order(), published.Resources.Where(r => (string?)r.Value!["type"] == "project.v0").Select(r => r.Key).Order());
        // PostgreSQL and RabbitMQ live outside the namespace: secret parameters, never containers (nor a
        // development-only resource such as a mail sink).
        var others = published.Resources.Where(r => (string?)r.Value!["type"] != "project.v0").ToList();
        Assert.Equal([DtcResources.Database, DtcResources.Broker], others.Select(r => r.Key).Order());
        Assert.All(others, p =>
        {
            Assert.Equal("parameter.v0", (string?)p.Value!["type"]);
            Assert.True((bool?)p.Value["inputs"]?["value"]?["secret"]);
        });
        foreach (var consumer in DtcResources.Consumers)
        {
            Assert.Equal(["--role", consumer.Role], published.Resources[consumer.Name]!["args"]!.AsArray().Select(a => (string)a!));
        }
    }
}
