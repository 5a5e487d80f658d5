using System.Diagnostics;

namespace Dtc.Bench.Faults;

/// <summary>A Dtc service as a real process, so that it can be killed with SIGKILL.</summary>
public sealed class ServiceProcess(string name, string dll, string[] args, IReadOnlyDictionary<string, string> environment) : IAsyncDisposable
{
    Process? _process;
    readonly Queue<string> _tail = new();
    public string Name { get; } = name;
    public bool Running => _process is { HasExited: false };

    /// <summary>The last lines the process wrote: why it died, when it did.</summary>
    public string Tail
    {
        get { lock (_tail) return string.Join('\n', _tail); }
    }
    public int Restarts { get; private set; }

    public void Start()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        _process = Process.Start(start)!;
        // Drain the pipes so a chatty process never blocks on a full buffer.
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    void Keep(string? line)
    {
        if (line is null) return;
        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > 40) _tail.Dequeue();
        }
    }

    /// <summary>SIGKILL: no shutdown hook runs, in-flight deliveries stay unacked, open HTTP connections drop.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async Task KillAndRestartAsync(TimeSpan down)
    {
        await KillAsync();
        await Task.Delay(down);
        Restarts++;
        Start();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
    }
}
