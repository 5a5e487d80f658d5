using Dtc.Tests.Infrastructure;

namespace Dtc.Tests.Deploy;

/// <summary>
/// deploy/k8s/base is Aspirate's output for deploy/aspire-manifest.json. Aspirate is not installable
/// here, so deploy/tools/aspirate-generate.cs stands in for it: checked against Aspirate's own output
/// for a reference manifest, then used to check the committed base. (One class: the two runs of the
/// file-based generator must not build it at the same time.)
/// </summary>
public sealed class AspirateBaseTests
{
    static string Repo => TestEnvironment.RepoRoot;

    [Fact]
    public async Task GeneratorWritesWhatAspirateWrites()
    {
        var reference = Path.Combine(Repo, "Dtc.Tests", "Deploy", "AspirateReference");
        var output = Command.TempFolder();
        try
        {
            await Command.RunAsync("dotnet", ["run", "deploy/tools/aspirate-generate.cs", "--",
                "generate", "--non-interactive", "--skip-build", "--disable-secrets", "--disable-state",
                "--include-dashboard", "false", "--image-pull-policy", "IfNotPresent",
                "--container-registry", "localhost:5001", "--container-image-tag", "0.1.0",
                "--output-path", output, "-m", Path.Combine(reference, "aspire-manifest.json"),
                "-pa", "db=Host=pg;Database=db", "-pa", "mq=amqp://mq"]);
            AssertSameFiles(Path.Combine(reference, "output"), output);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task CommittedBaseIsWhatAspirateGeneratesFromTheCommittedManifest()
    {
        var output = Command.TempFolder();
        try
        {
            await Command.RunAsync("bash", ["scripts/k8s-generate.sh", "--builtin", "--output-path", output]);
            AssertSameFiles(Path.Combine(Repo, "deploy", "k8s", "base"), output);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task NoSecretValueIsCommitted()
    {
        var tracked = (await Command.RunAsync("git", ["ls-files", "deploy"])).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(tracked, f => f.EndsWith(".secrets", StringComparison.Ordinal));
        Assert.Equal(["deploy/k8s/overlays/production/secret.example.env"], tracked.Where(f => f.EndsWith(".env", StringComparison.Ordinal)));

        // The base's secretGenerators read .<resource>.secrets files, which git ignores.
        var secretFiles = Directory.GetDirectories(Path.Combine(Repo, "deploy", "k8s", "base"))
            .Select(folder => Path.Combine(folder, $".{Path.GetFileName(folder)}.secrets")).ToList();
        Assert.All(secretFiles, f => Assert.Contains($"  - {Path.GetFileName(f)}", File.ReadAllText(Path.Combine(Path.GetDirectoryName(f)!, "kustomization.yaml"))));
        var ignored = await Command.RunAsync("git", ["check-ignore", "--no-index", .. secretFiles]);
        Assert.Equal(secretFiles.Count, ignored.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // The example holds placeholders only.
        var example = File.ReadAllLines(Path.Combine(Repo, "deploy", "k8s", "overlays", "production", "secret.example.env"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Equal(["ConnectionStrings__dtc", "ConnectionStrings__rabbitmq"], example.Select(l => l[..l.IndexOf('=')]));
        Assert.All(example, l => Assert.Contains("<password>", l));
    }

    static void AssertSameFiles(string expectedFolder, string actualFolder)
    {
        static IEnumerable<string> Files(string folder) => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Select(f => Path.GetRelativePath(folder, f))
            .Order(StringComparer.Ordinal);
        Assert.Equal(Files(expectedFolder), Files(actualFolder));
        foreach (var file in Files(expectedFolder))
        {
            var expected = File.ReadAllText(Path.Combine(expectedFolder, file));
            var actual = File.ReadAllText(Path.Combine(actualFolder, file));
            Assert.True(expected == actual,
                $"{file} differs (regenerate with scripts/k8s-generate.sh):\n--- expected\n{expected}\n--- generated\n{actual}");
        }
    }
}
