namespace Dtc.Cron.Running;

/// <summary>Section <c>Cron</c>: how long things may wait before a task acts on them.</summary>
public sealed class CronOptions
{
    public const string Section = "Cron";

    /// <summary>A task still running after this is cancelled and recorded as failed.</summary>
    public TimeSpan TaskTimeout { get; set; } = TimeSpan.FromSeconds(45);
    /// <summary>Rows one task touches in one run at most; the rest wait for the next minute.</summary>
    public int BatchSize { get; set; } = 500;

    public TimeSpan StaleRegistrationAfter { get; set; } = TimeSpan.FromHours(24);
    public TimeSpan RegistrationReminderAfter { get; set; } = TimeSpan.FromDays(7);
    /// <summary>Days a registered sample may spend in the post before the panel's turnaround starts counting.</summary>
    public int SampleTransitDays { get; set; } = 5;
    public TimeSpan FulfilmentSyncGrace { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>An order not synchronised for this long is no longer re-enqueued: it needs a person.</summary>
    public TimeSpan FulfilmentGiveUpAfter { get; set; } = TimeSpan.FromHours(24);
    /// <summary>A deferred notification re-enqueued is not re-enqueued again for this long.</summary>
    public TimeSpan DeferredRequeueLease { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>A send claimed longer ago than this was cut short by a crash (wrk-default's Notifications:ClaimTimeout).</summary>
    public TimeSpan InterruptedSendAfter { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan PublishedOutboxRetention { get; set; } = TimeSpan.FromDays(7);
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(14);
    public TimeSpan HealthSnapshotRetention { get; set; } = TimeSpan.FromDays(7);
    public TimeSpan CronRunRetention { get; set; } = TimeSpan.FromDays(30);
}
