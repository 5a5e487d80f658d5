using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Dtc.Bench.Faults;

/// <summary>
/// Kit registrations under load across API replicas (real processes) while one replica is killed with
/// SIGKILL at a random moment; consumer-homekit-register decides them. The goal: every registration the
/// API answered with a 2xx ends in a decision in the database, none missing, the outbox drained.
/// </summary>
public sealed class ApiFaultRun(string database, string broker, string apiDll, string consumerDll)
{
    public int Registrations { get; init; } = 1_000;
    public int Replicas { get; init; } = 3;
    public int Concurrency { get; init; } = 16;
    public int Patients { get; init; } = 20;
    /// <summary>Start the killed replica again a second later (it then takes its share of the load again).</summary>
    public bool RestartKilled { get; init; } = true;
    /// <summary>The whole run, seeding to the last count; a run that is not settled by then is reported as it stands.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
    public Action<string> Log { get; init; } = _ => { };

    readonly Stopwatch _clock = new();
    List<RegistrationSeed.SeededPatient> _patients = [];
    RegistrationOutcome[] _outcomes = [];
    KillRecord _kill = new("", 0, 0, false, null);

    public async Task<ApiFaultReport> RunAsync(CancellationToken ct = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Timeout);
        _clock.Restart();
        _patients = await RegistrationSeed.SeedAsync(database, Registrations, Patients, deadline.Token);
        var urls = Enumerable.Range(0, Replicas).Select(_ => new Uri($"http://127.0.0.1:{FreePort()}")).ToList();
        var apis = urls.Select((url, i) => new ServiceProcess($"api-{i + 1}", apiDll, [], ServiceEnvironment(url.ToString().TrimEnd('/')))).ToList();
        var homekit = new ServiceProcess("homekit-register", consumerDll, ["--role", "homekit-register"], ServiceEnvironment("http://127.0.0.1:0"));
        try
        {
            foreach (var api in apis) api.Start();
            homekit.Start();
            await Task.WhenAll(urls.Select(u => ReadyAsync(u, deadline.Token)));
            var jobs = await RegistrationSeed.JobsAsync(urls[0], _patients, deadline.Token);
            Log($"{jobs.Count} registrations by {_patients.Count} patients, {Concurrency} at a time, round-robin across {Replicas} API replicas");

            using var load = new RegistrationLoad(urls, Concurrency);
            var loading = Stopwatch.StartNew();
            var driving = load.RunAsync(jobs, deadline.Token);
            var killAfter = (int)(jobs.Count * (0.25 + Random.Shared.NextDouble() * 0.35));
            while (load.Answered < killAfter && !driving.IsCompleted) await Task.Delay(2, deadline.Token);
            var victim = Random.Shared.Next(apis.Count);
            _kill = new KillRecord(apis[victim].Name, load.Answered, load.InFlight(victim), !driving.IsCompleted, null);
            Log($"SIGKILL {_kill.Replica} after {_kill.AnsweredBefore} answers, {_kill.InFlight} requests in flight to it");
            if (RestartKilled)
            {
                await apis[victim].KillAndRestartAsync(TimeSpan.FromSeconds(1));
                _ = BackAsync(urls[victim], deadline.Token).ContinueWith(
                    t => _kill = _kill with { ServingAgainAfter = t.IsCompletedSuccessfully ? Math.Round(t.Result, 1) : null }, TaskScheduler.Default);
            }
            else await apis[victim].KillAsync();
            while (!driving.IsCompleted)
            {
                await Task.WhenAny(driving, Task.Delay(TimeSpan.FromSeconds(5), deadline.Token));
                Log($"{load.Answered} answered; {_kill.Replica} {(_kill.ServingAgainAfter is { } s ? $"serving again after {s} s" : apis[victim].Running ? "starting" : "down")}");
            }
            _outcomes = await driving;
            Log($"load done in {loading.Elapsed.TotalSeconds:F1} s; waiting for the decisions and the outbox");
            var report = await SettleAsync(deadline.Token);
            if (RestartKilled && apis[victim].Tail.Length > 0) Log($"{_kill.Replica} after its restart said:\n{apis[victim].Tail}");
            Log(JsonSerializer.Serialize(report));
            return report;
        }
        finally
        {
            foreach (var api in apis) await api.DisposeAsync();
            await homekit.DisposeAsync();
        }
    }

    /// <summary>The registration ids the API answered with a 2xx.</summary>
    public IReadOnlyList<Guid> AnsweredIds => [.. _outcomes.Where(o => o.RegistrationId is not null).Select(o => o.RegistrationId!.Value)];

    /// <summary>Counts again from the database (the run's own figures come from here too).</summary>
    public Task<ApiFaultReport> CountAsync() => ApiFaultCount.CountAsync(database, [.. _patients.Select(p => p.Id)],
        _patients.Sum(p => p.Barcodes.Count(b => b.KitExists)), _outcomes, Replicas, _kill, _clock.Elapsed);

    async Task<ApiFaultReport> SettleAsync(CancellationToken ct)
    {
        while (true)
        {
            var report = await CountAsync();
            if (report.Pending == 0 && report.UnansweredUndecided == 0 && report.OutboxUnpublished == 0) return report;
            try { await Task.Delay(500, ct); }
            catch (OperationCanceledException) { return await CountAsync(); }
        }
    }

    Dictionary<string, string> ServiceEnvironment(string urls) => new()
    {
        ["ConnectionStrings__dtc"] = database, ["ConnectionStrings__rabbitmq"] = broker, ["OTEL_SDK_DISABLED"] = "true",
        ["ASPNETCORE_URLS"] = urls, ["Logging__LogLevel__Default"] = "Warning",
        ["DOTNET_ENVIRONMENT"] = "Production", ["ASPNETCORE_ENVIRONMENT"] = "Production",
        // The whole load comes from a few patients on one address: the per-patient limits would refuse it.
        ["RateLimits__General__PermitLimit"] = "100000000", ["RateLimits__SignIn__PermitLimit"] = "100000",
        ["RateLimits__KitRegistration__PermitLimit"] = "100000000",
    };

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static async Task<double> BackAsync(Uri api, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await ReadyAsync(api, ct);
        return clock.Elapsed.TotalSeconds;
    }

    static async Task ReadyAsync(Uri api, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(5) };
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(120); await Task.Delay(250, ct))
        {
            try
            {
                using var response = await http.GetAsync("/health/ready", ct);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
        }
        throw new TimeoutException($"{api} did not become ready");
    }
}

/// <summary>
/// Which replica was killed, after how many answers, with how many requests in flight to it, whether load was
/// still running, and how long after its restart it answered /health/ready again.
/// </summary>
public sealed record KillRecord(string Replica, int AnsweredBefore, int InFlight, bool DuringLoad, double? ServingAgainAfter);
