using Dtc.Data.Messaging;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Dtc.Messaging.Outbox;

/// <summary>Wakes the relay as soon as a transaction that wrote outbox rows commits, instead of at its next poll.</summary>
public sealed class OutboxSignal
{
    readonly SemaphoreSlim _signal = new(0, 1);

    public void Pulse()
    {
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); } catch (SemaphoreFullException) { }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

internal sealed class OutboxSignalInterceptor(OutboxSignal signal) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    // Rows saved inside an explicit transaction are visible only after its commit: pulse then.
    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken ct = default)
    {
        var context = eventData.Context;
        if (context is not null && context.Database.CurrentTransaction is null && WroteOutbox(context)) signal.Pulse();
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Remember(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        Remember(eventData.Context);
        return ValueTask.FromResult(result);
    }

    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Microsoft.EntityFrameworkCore.DbContext, object> pending = [];

    static void Remember(Microsoft.EntityFrameworkCore.DbContext? context)
    {
        if (context is not null && context.ChangeTracker.Entries<OutboxMessage>().Any()) Wrote(context);
    }

    /// <summary>Outbox rows written without SaveChanges (<see cref="OutboxWriter"/>): the relay is woken at the commit all the same.</summary>
    internal static void Wrote(Microsoft.EntityFrameworkCore.DbContext context) => pending.AddOrUpdate(context, true);

    static bool WroteOutbox(Microsoft.EntityFrameworkCore.DbContext context) => pending.Remove(context);

    public Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        if (eventData.Context is { } context && WroteOutbox(context)) signal.Pulse();
        return Task.CompletedTask;
    }
}
