namespace Dtc.Worker.Sms;

public interface ISmsSender
{
    /// <summary>Sends a text to an E.164 number; returns the provider's message id. Throws <see cref="Notifications.DeliveryException"/>.</summary>
    Task<string> SendAsync(string to, string body, CancellationToken ct);
}
