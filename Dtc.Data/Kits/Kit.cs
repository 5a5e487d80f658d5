namespace Dtc.Data.Kits;

public static class KitStatus
{
    public const string Shipped = "shipped";
    public const string RegistrationPending = "registration-pending";
    public const string Registered = "registered";
    public const string Received = "received";
    public const string Resulted = "resulted";
    public const string Rejected = "rejected";
    public const string Expired = "expired";
}

public class Kit
{
    public Guid Id { get; set; }
    /// <summary>11 digits, the last a Luhn check digit; stored without spaces or dashes.</summary>
    public required string Barcode { get; set; }
    public Guid? OrderId { get; set; }
    public string? ProductCode { get; set; }
    /// <summary>The patient the kit is registered to (null until a registration is accepted).</summary>
    public Guid? CustomerId { get; set; }
    public string Status { get; set; } = KitStatus.Shipped;
    public DateOnly ExpiresOn { get; set; }
    public DateTimeOffset ShippedAt { get; set; }
    public DateTimeOffset? RegisteredAt { get; set; }
    public DateTimeOffset? CollectedAt { get; set; }
    public bool ConsentToTesting { get; set; }
    public bool ConsentToResearch { get; set; }
    public DateTimeOffset? ReceivedAt { get; set; }
    public DateTimeOffset? ResultedAt { get; set; }
    public string? RejectionCode { get; set; }
    public string? RejectionReason { get; set; }
    public DateTimeOffset? ReminderSentAt { get; set; }
    /// <summary>When the patient was told that the results take longer than the panel's turnaround.</summary>
    public DateTimeOffset? OverdueNotifiedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public uint RowVersion { get; set; }
}

public static class RegistrationStatus
{
    public const string Pending = "pending";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
}

/// <summary>A patient's request to bind a kit to themselves, and the decision on it.</summary>
public class KitRegistration
{
    public Guid Id { get; set; }
    public Guid CustomerId { get; set; }
    public required string Barcode { get; set; }
    public Guid? KitId { get; set; }
    public DateTimeOffset CollectedAt { get; set; }
    public bool ConsentToTesting { get; set; }
    public bool ConsentToResearch { get; set; }
    public string Status { get; set; } = RegistrationStatus.Pending;
    public string? ReasonCode { get; set; }
    public string? ReasonText { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
}
