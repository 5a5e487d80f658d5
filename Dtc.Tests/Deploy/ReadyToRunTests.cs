using Dtc.Tests.Infrastructure;

namespace Dtc.Tests.Deploy;

/// <summary>
/// The services that ship as images are compiled ReadyToRun when published for a runtime (docs/DEPLOY.md:
/// -r linux-x64), and only then: builds, tests and F5 keep the plain IL build.
/// </summary>
public sealed class ReadyToRunTests
{
    public static TheoryData<string> Deployed => new() { "Dtc.Api", "Dtc.Consumers", "Dtc.Worker", "Dtc.Cron", "Dtc.MigrationService" };

    [Theory]
    [MemberData(nameof(Deployed))]
    public async Task ADeployedServiceIsPublishedReadyToRunForARuntimeOnly(string project)
    {
        Assert.Equal("true", await PublishReadyToRunAsync(project, "-p:RuntimeIdentifier=linux-x64"));
        Assert.Equal("", await PublishReadyToRunAsync(project));
    }

    [Fact]
    public async Task ToolsThatDoNotShipAsImagesAreNotCompiledAheadOfTime() =>
        Assert.Equal("", await PublishReadyToRunAsync("Dtc.LisSimulator", "-p:RuntimeIdentifier=linux-x64"));

    static async Task<string> PublishReadyToRunAsync(string project, params string[] properties) =>
        (await Command.RunAsync("dotnet",
            ["msbuild", Path.Combine(TestEnvironment.RepoRoot, project, project + ".csproj"), "-getProperty:PublishReadyToRun", "-p:Configuration=Release", .. properties]))
        .Trim();
}
