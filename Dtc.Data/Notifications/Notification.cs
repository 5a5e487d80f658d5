namespace Dtc.Data.Notifications;

public static class NotificationChannel
{
    public const string InApp = "in-app";
    public const string Email = "email";
    public const string Sms = "sms";
}

public static class DeliveryStatus
{
    public const string Queued = "queued";
    public const string Sent = "sent";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
    /// <summary>Claimed by a worker that is handing it to the provider; what a crash leaves behind (see Dtc.Worker README).</summary>
    public const string Sending = "sending";
}

/// <summary>What a patient is told. Email and SMS never carry PHI; the dedupe key makes a redelivery harmless.</summary>
public class Notification
{
    public Guid Id { get; set; }
    public Guid CustomerId { get; set; }
    public required string Channel { get; set; }
    public required string Template { get; set; }
    public required string Title { get; set; }
    public string Body { get; set; } = "";
    public string? Link { get; set; }
    public required string DedupeKey { get; set; }
    public string Status { get; set; } = DeliveryStatus.Queued;
    public int Attempts { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }
    /// <summary>When a worker claimed the row to send it (status <c>sending</c>).</summary>
    public DateTimeOffset? ClaimedAt { get; set; }
    /// <summary>A deferred send (SMS quiet hours): not before this time; the cron re-enqueues it.</summary>
    public DateTimeOffset? NotBefore { get; set; }
    /// <summary>The provider's id of the sent message (SMTP Message-Id, SMS provider's message id).</summary>
    public string? ProviderReference { get; set; }
}
