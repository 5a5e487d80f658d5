using Dtc.Messaging;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Publishing;

namespace Dtc.LisSimulator;

/// <summary>
/// The lab at work: takes registered kits, decides what happens to each sample (most are final at once,
/// some preliminary first, a few corrected later, a few rejected) and publishes each version as the LIS
/// would: straight to <c>dtc.events</c> with routing key <c>lis.result</c>, HL7 v2, with publisher confirms.
/// </summary>
public sealed partial class LisSimulation(
    SimulatorOptions options, KitSource kits, ConfirmingPublisher publisher, IHostApplicationLifetime lifetime,
    TimeProvider clock, ILogger<LisSimulation> logger) : BackgroundService
{
    static readonly TimeSpan pollInterval = TimeSpan.FromSeconds(5);

    /// <summary>A version still to send: the kit's result, its statuses in order, and which one is next.</summary>
    sealed record Step(KitResult Result, string[] Statuses, int Index)
    {
        public string Status => Statuses[Index];
    }

    readonly PriorityQueue<Step, DateTimeOffset> _followUps = new();
    readonly HashSet<Guid> _started = [];
    readonly Queue<SimKit> _fresh = new();
    readonly Dictionary<string, int> _sentByStatus = [];
    Random _random = Random.Shared;
    DateTimeOffset _nextPoll;
    DateTimeOffset _nextSlot;
    int _sent;

    /// <summary>Messages confirmed by the broker so far.</summary>
    public int Sent => Volatile.Read(ref _sent);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _random = options.RandomSeed is { } seed ? new Random(seed) : new Random();
        try
        {
            if (options.SeedKits > 0)
            {
                foreach (var kit in await kits.SeedAsync(options.SeedKits, _random, stoppingToken)) _fresh.Enqueue(kit);
                LogSeeded(options.SeedKits);
            }
            else if (options.Once)
            {
                foreach (var kit in await kits.RegisteredAsync(options.Count ?? 1_000_000, _started, stoppingToken)) _fresh.Enqueue(kit);
            }
            await RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        catch (Exception ex)
        {
            LogFailed(ex);
            Environment.ExitCode = 1;
        }
        LogDone(_sent, string.Join(", ", _sentByStatus.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}")));
        if (options.Finite || options.Count is not null || Environment.ExitCode != 0) lifetime.StopApplication();
    }

    async Task RunAsync(CancellationToken ct)
    {
        var batch = new List<(Step Step, OutgoingMessage Message)>();
        var lastReport = clock.GetUtcNow();
        while (options.Count is not { } max || _sent + batch.Count < max)
        {
            var step = await NextAsync(ct);
            if (step is null)
            {
                await FlushAsync(batch, ct);
                if (options.Finite && _fresh.Count == 0 && _followUps.Count == 0) return;
                await Task.Delay(IdleWait(), clock, ct);
                continue;
            }
            if (SlotWait() is var wait && wait > TimeSpan.Zero)
            {
                await FlushAsync(batch, ct);
                await Task.Delay(wait, clock, ct);
            }
            batch.Add((step, Message(step)));
            if (batch.Count >= ConfirmingPublisher.MaxInFlight) await FlushAsync(batch, ct);
            if (clock.GetUtcNow() - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = clock.GetUtcNow();
                LogProgress(_sent, _followUps.Count);
            }
        }
        await FlushAsync(batch, ct);
    }

    /// <summary>A follow-up that is due, else a kit not yet started (polling the database now and then), else nothing.</summary>
    async Task<Step?> NextAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_followUps.TryPeek(out var due, out var at) && at <= now) return _followUps.Dequeue();
        if (_fresh.Count == 0 && !options.Finite && now >= _nextPoll)
        {
            _nextPoll = now + pollInterval;
            try
            {
                foreach (var kit in await kits.RegisteredAsync(100, _started, ct)) _fresh.Enqueue(kit);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPollFailed(ex); // the database may be restarting: try again at the next poll
            }
        }
        if (!_fresh.TryDequeue(out var next)) return null;
        _started.Add(next.KitId);
        return new Step(KitResult.Draw(next, _random, rejected: _random.NextDouble() < 0.04), Plan(), 0);
    }

    /// <summary>Most samples are final at once; some preliminary first; a few corrected after the final; a few rejected.</summary>
    string[] Plan()
    {
        var roll = _random.NextDouble();
        if (roll < 0.04) return ["X"];
        List<string> statuses = roll < 0.30 ? ["P", "F"] : ["F"];
        if (_random.NextDouble() < 0.10) statuses.Add("C");
        return [.. statuses];
    }

    OutgoingMessage Message(Step step)
    {
        var result = step.Status == "C" ? step.Result.Corrected() : step.Result;
        var body = OruMessage.Build(result, step.Status, "SIM" + Guid.NewGuid().ToString("N")[..17], clock.GetUtcNow());
        var headers = new Dictionary<string, object?> { [Envelope.OccurredAt] = clock.GetUtcNow().ToString("O") };
        return new OutgoingMessage(Guid.NewGuid(), LisResult.MessageType, Topology.Events, LisResult.MessageType, LisResult.Hl7ContentType, body, headers);
    }

    async Task FlushAsync(List<(Step Step, OutgoingMessage Message)> batch, CancellationToken ct)
    {
        if (batch.Count == 0) return;
        var errors = await publisher.PublishAsync([.. batch.Select(b => b.Message)], ct);
        var now = clock.GetUtcNow();
        for (var i = 0; i < batch.Count; i++)
        {
            var step = batch[i].Step;
            if (errors[i] is { } error)
            {
                // Not confirmed: the same version goes again shortly.
                LogPublishFailed(error, step.Result.Kit.Barcode, step.Status);
                _followUps.Enqueue(step, now + TimeSpan.FromSeconds(1));
                continue;
            }
            Interlocked.Increment(ref _sent);
            _sentByStatus[step.Status] = _sentByStatus.GetValueOrDefault(step.Status) + 1;
            if (options.Rate is <= 5) LogSent(step.Status, step.Result.Kit.Barcode, step.Result.Panel.Code);
            if (step.Index + 1 < step.Statuses.Length) _followUps.Enqueue(step with { Index = step.Index + 1 }, now + options.FollowUp);
        }
        batch.Clear();
    }

    /// <summary>How long until this message's slot at the configured rate; a backlog after idling is not sent as a burst.</summary>
    TimeSpan SlotWait()
    {
        if (options.Rate is not { } rate) return TimeSpan.Zero;
        var now = clock.GetUtcNow();
        if (_nextSlot < now - TimeSpan.FromSeconds(1)) _nextSlot = now;
        var wait = _nextSlot - now;
        _nextSlot += TimeSpan.FromSeconds(1 / rate);
        return wait;
    }

    TimeSpan IdleWait()
    {
        var wait = TimeSpan.FromSeconds(1);
        if (_followUps.TryPeek(out _, out var at)) wait = TimeSpan.FromTicks(Math.Clamp((at - clock.GetUtcNow()).Ticks, TimeSpan.FromMilliseconds(10).Ticks, wait.Ticks));
        return wait;
    }

    [LoggerMessage(LogLevel.Information, "Seeded {Count} patients with a registered kit each")]
    partial void LogSeeded(int count);

    [LoggerMessage(LogLevel.Information, "Sent {Status} {Panel} result for kit {Barcode}")]
    partial void LogSent(string status, string barcode, string panel);

    [LoggerMessage(LogLevel.Information, "{Sent} results sent, {FollowUps} follow-ups waiting")]
    partial void LogProgress(int sent, int followUps);

    [LoggerMessage(LogLevel.Information, "Done: {Sent} results sent ({ByStatus})")]
    partial void LogDone(int sent, string byStatus);

    [LoggerMessage(LogLevel.Warning, "Could not read the registered kits; trying again shortly")]
    partial void LogPollFailed(Exception error);

    [LoggerMessage(LogLevel.Warning, "The broker did not confirm the {Status} result for kit {Barcode}; sending it again")]
    partial void LogPublishFailed(Exception error, string barcode, string status);

    [LoggerMessage(LogLevel.Error, "The simulation stopped")]
    partial void LogFailed(Exception error);
}
