using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Dtc.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace Dtc.Consumers.Lis;

/// <summary>What happened to one LIS message.</summary>
public static class LisOutcome
{
    /// <summary>At least one report got a new current version.</summary>
    public const string Stored = "stored";
    /// <summary>Every report already held this message (same source message id, or the same version re-sent).</summary>
    public const string Duplicate = "duplicate";
    /// <summary>Older than what the reports hold: kept as history only.</summary>
    public const string Stale = "stale";
    public const string Quarantined = "quarantined";
    public const string Parked = "parked";
}

/// <summary>
/// Meter <c>Dtc.Lis</c>. Outcomes and latency are recorded when the transaction that stores them commits
/// (a rolled-back attempt is retried and would otherwise count twice); parking is recorded as it is decided.
/// </summary>
public sealed class LisTelemetry
{
    public const string Name = "Dtc.Lis";

    static readonly ConditionalWeakTable<IDbContextTransaction, Action> onCommit = [];

    readonly Counter<long> _messages;
    readonly Histogram<double> _latency;
    long _quarantineSize;

    public LisTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _messages = meter.CreateCounter<long>("dtc.lis.messages",
            description: "LIS result messages by outcome (stored, duplicate, stale, quarantined, parked), format and reason.");
        _latency = meter.CreateHistogram<double>("dtc.lis.latency", unit: "s",
            description: "From the lab's message time (MSH-7 / Bundle.timestamp) to the result stored (committed).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600] });
        meter.CreateObservableGauge("dtc.lis.quarantine.size", () => Volatile.Read(ref _quarantineSize),
            description: "LIS messages in quarantine awaiting a person (unresolved); the same figure from every replica.");
    }

    public void QuarantineSize(long size) => Volatile.Write(ref _quarantineSize, size);

    public void Parked(string? format, string reasonCode) => Count(LisOutcome.Parked, format, reasonCode);

    /// <summary>Counts the outcome (and, if stored, the latency) once <paramref name="db"/>'s transaction commits.</summary>
    public void OnCommit(DtcDbContext db, string outcome, string format, string? reasonCode, DateTimeOffset messageTime, TimeProvider clock)
    {
        void Record()
        {
            Count(outcome, format, reasonCode);
            if (outcome == LisOutcome.Stored)
                _latency.Record(Math.Max(0, (clock.GetUtcNow() - messageTime).TotalSeconds), new TagList { { "format", format } });
        }
        // A batch commits several messages at once: each one's record runs.
        if (db.Database.CurrentTransaction is { } transaction)
            onCommit.AddOrUpdate(transaction, onCommit.TryGetValue(transaction, out var earlier) ? earlier + Record : Record);
        else Record();
    }

    void Count(string outcome, string? format, string? reasonCode)
    {
        var tags = new TagList { { "outcome", outcome } };
        if (format is not null) tags.Add("format", format);
        if (reasonCode is not null) tags.Add("reason", reasonCode);
        _messages.Add(1, tags);
    }

    /// <summary>Runs what a handler deferred to its commit. The table holds transactions weakly: a rollback leaves nothing behind.</summary>
    internal sealed class CommitHook : DbTransactionInterceptor
    {
        public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Run(eventData);

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
        {
            Run(eventData);
            return Task.CompletedTask;
        }

        // EF clears CurrentTransaction only after this event.
        static void Run(TransactionEndEventData eventData)
        {
            if (eventData.Context?.Database.CurrentTransaction is { } transaction && onCommit.TryGetValue(transaction, out var record))
            {
                onCommit.Remove(transaction);
                record();
            }
        }
    }
}

/// <summary>Settings of LIS ingestion, section <c>Lis</c>.</summary>
public sealed class LisOptions
{
    /// <summary>How often each replica counts the unresolved quarantine for its gauge.</summary>
    public TimeSpan QuarantineGaugeInterval { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Refreshes the quarantine gauge: one count on a partial index (unresolved rows), every interval.</summary>
internal sealed class QuarantineGauge(
    IServiceScopeFactory scopes, LisTelemetry telemetry, IOptions<LisOptions> options, ILogger<QuarantineGauge> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.QuarantineGaugeInterval);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<DtcDbContext>();
                telemetry.QuarantineSize(await db.QuarantinedMessages.CountAsync(q => q.ResolvedAt == null, stoppingToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not count the LIS quarantine");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
