using Npgsql;

namespace Dtc.Messaging.Consuming;

/// <summary>
/// Statements a handler of a batch leaves to its transaction's next round trip (one per transaction scope).
/// A batch handles its messages one after another in one transaction; a handler whose writes nothing
/// reads before the commit, or only its transaction's next statement, can leave them here instead of
/// sending them on their own: the next handler's first statement carries them (it sends them ahead of its
/// own, in <see cref="MoveTo"/>, so it reads what they wrote), and whatever is left goes with the outbox
/// rows before the commit. A batch of n messages then costs n + 3 round trips instead of 2n + 3.
/// A handler can also <see cref="Hold"/> rows that several messages add to and that become statements only
/// when they are sent (<see cref="IDeferredRows"/>): one insert for the whole batch's rows of a table
/// instead of one per message. They go with the outbox rows at the latest; the handler decides when a read
/// of its own needs them sent earlier.
/// Only when <see cref="MessageContext.InBatch"/>: a message handled on its own sends its statements
/// itself, so that an error in them is its own and the handler can say what it means.
/// </summary>
public sealed class DeferredStatements
{
    readonly List<NpgsqlBatchCommand> _commands = [];
    readonly List<IDeferredRows> _held = [];

    public int Count => _commands.Count + _held.Count(r => !r.IsEmpty);

    public void Add(NpgsqlBatchCommand command) => _commands.Add(command);

    /// <summary>Keeps <paramref name="rows"/> until the transaction's next <see cref="MoveTo"/> that takes held rows.</summary>
    public void Hold(IDeferredRows rows)
    {
        if (!_held.Contains(rows)) _held.Add(rows);
    }

    /// <summary>
    /// Appends the deferred statements to <paramref name="batch"/> (call it before adding the batch's own) and
    /// forgets them: the held rows first (unless <paramref name="withHeldRows"/> is false: they stay held), then
    /// the statements.
    /// </summary>
    public void MoveTo(NpgsqlBatch batch, bool withHeldRows = true)
    {
        if (withHeldRows)
        {
            foreach (var rows in _held) rows.MoveTo(batch);
            _held.Clear();
        }
        foreach (var command in _commands) batch.BatchCommands.Add(command);
        _commands.Clear();
    }
}

/// <summary>Rows kept across the messages of a batch (<see cref="DeferredStatements.Hold"/>), written as statements when sent.</summary>
public interface IDeferredRows
{
    bool IsEmpty { get; }

    /// <summary>Appends the rows to <paramref name="batch"/> as statements and forgets them.</summary>
    void MoveTo(NpgsqlBatch batch);
}
