using Dtc.Tests.Infrastructure;

namespace Dtc.Tests.Deploy;

/// <summary>
/// deploy/k8s/overlays/production rendered once by scripts/k8s-build.sh (kubectl kustomize), from a
/// copy of deploy/k8s so that the placeholder .secrets files it creates stay out of the work tree.
/// </summary>
public sealed class ProductionOverlay : IAsyncLifetime
{
    public const string Namespace = "pat--dtc--be";
    public const string ConnectionsSecret = "pat--dtc--be--connections";

    public IReadOnlyList<KubeObject> Objects { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var copy = Command.TempFolder();
        try
        {
            Command.CopyFolder(Path.Combine(TestEnvironment.RepoRoot, "deploy", "k8s"), copy);
            var yaml = await Command.RunAsync("bash", [Path.Combine(TestEnvironment.RepoRoot, "scripts", "k8s-build.sh"), copy]);
            Objects = KubeObject.ParseAll(yaml);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public IEnumerable<KubeObject> OfKind(string kind) => Objects.Where(o => o.Kind == kind);

    public KubeObject Single(string kind, string name) =>
        Objects.SingleOrDefault(o => o.Kind == kind && o.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"No {kind}/{name} in the overlay; it has: {string.Join(", ", Objects)}");

    /// <summary>Deployments, the migrations Job and the cron's CronJob: everything that runs a pod.</summary>
    public IEnumerable<KubeObject> Workloads => Objects.Where(o => o.Kind is "Deployment" or "Job" or "CronJob");
}
