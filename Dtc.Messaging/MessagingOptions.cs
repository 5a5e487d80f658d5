namespace Dtc.Messaging;

/// <summary>Settings of the bus, section <c>Messaging</c>.</summary>
public sealed class MessagingOptions
{
    static readonly TimeSpan[] DefaultRetryDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60)];

    /// <summary>Outbox rows one relay claims and publishes at a time.</summary>
    public int OutboxBatchSize { get; set; } = 500;

    /// <summary>
    /// Waits before the 1st, 2nd, … retry of a transient failure (one delay queue each); after the last
    /// the message is parked. Empty means 1 s, 10 s, 60 s (the binder appends to a non-empty default).
    /// </summary>
    public TimeSpan[] RetryDelays { get; set; } = [];

    public IReadOnlyList<TimeSpan> EffectiveRetryDelays => RetryDelays.Length > 0 ? RetryDelays : DefaultRetryDelays;
}
