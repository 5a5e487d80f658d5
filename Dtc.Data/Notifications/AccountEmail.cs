namespace Dtc.Data.Notifications;

/// <summary>
/// Delivery record of an account email (address confirmation, password reset): sent to an address
/// before it is a verified customer, so it is not a <see cref="Notification"/>. Holds no address and
/// no link; the dedupe key makes a redelivered job harmless.
/// </summary>
public class AccountEmail
{
    public Guid Id { get; set; }
    public required string DedupeKey { get; set; }
    public required string Template { get; set; }
    public string Status { get; set; } = DeliveryStatus.Queued;
    public int Attempts { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ClaimedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public string? ProviderReference { get; set; }
}
