using System.Diagnostics;

namespace Dtc.Tests.Deploy;

/// <summary>Runs a tool of the deployment path (kubectl, the AppHost, the repo's scripts) and returns its output.</summary>
public static class Command
{
    public static async Task<string> RunAsync(string file, IEnumerable<string> args, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Infrastructure.TestEnvironment.RepoRoot,
        };
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', args)} exited with {process.ExitCode}:\n{await stderr}\n{await stdout}");
        }
        return await stdout;
    }

    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "dtc-deploy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            if (file.EndsWith(".secrets", StringComparison.Ordinal)) continue; // git-ignored, maybe real values
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
