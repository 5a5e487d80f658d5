namespace Dtc.Worker.Notifications;

/// <summary>
/// A provider refused or could not take a message. <see cref="Permanent"/>: it never will (bad
/// address, rejected request), the delivery is marked failed and the job parked; otherwise the
/// message was not handed over and the job is retried with backoff.
/// </summary>
public sealed class DeliveryException(string message, bool permanent, Exception? inner = null) : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;

    public static DeliveryException Transient(string message, Exception? inner = null) => new(message, false, inner);
    public static DeliveryException Rejected(string message, Exception? inner = null) => new(message, true, inner);
}
