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
}
