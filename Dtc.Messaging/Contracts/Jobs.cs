namespace Dtc.Messaging.Contracts;

/// <summary>
/// Job for wrk-default: tell a customer something on their channels. The template names the text;
/// <paramref name="Data"/> never carries PHI. <paramref name="DedupeKey"/> makes a redelivery harmless.
/// </summary>
public sealed record NotificationSend(Guid CustomerId, string Template, string DedupeKey, IReadOnlyDictionary<string, string>? Data = null) : IMessage
{
    public static string MessageType => "notification.send";
}

/// <summary>Job for wrk-default: an account email (confirm address, reset password) to an address, not yet a verified customer.</summary>
public sealed record AccountEmailSend(string To, string Template, string DedupeKey, IReadOnlyDictionary<string, string> Data) : IMessage
{
    public static string MessageType => "email.send";
}

/// <summary>Job for wrk-default: push an order to the fulfilment partner.</summary>
public sealed record SyncOrderToFulfilment(Guid OrderId) : IMessage
{
    public static string MessageType => "sync.order-to-fulfilment";
}
