namespace Dtc.Messaging.Contracts;

/// <summary>
/// The templates wrk-default knows for <see cref="NotificationSend"/> and <see cref="AccountEmailSend"/>.
/// A job naming any other template is parked (unknown-template). The texts live in Dtc.Worker and
/// never carry PHI: they say that something is ready and point to the app.
/// </summary>
public static class NotificationTemplates
{
    // Patient notifications (NotificationSend); results and kit notices follow the customer's preferences.
    public const string ResultReady = "result-ready";
    public const string ResultUpdated = "result-updated";
    public const string SpecimenRejected = "specimen-rejected";
    public const string OrderShipped = "order-shipped";
    public const string KitRegistered = "kit-registered";
    /// <summary>To the buyer, when someone else registered a kit of their order (a gift, or a mistake).</summary>
    public const string KitRegisteredBySomeoneElse = "kit-registered-by-someone-else";
    public const string KitRegistrationRejected = "kit-registration-rejected";
    public const string KitRegistrationReminder = "kit-registration-reminder";
    public const string ResultsDelayed = "results-delayed";
    /// <summary>Sent only to customers who accepted marketing.</summary>
    public const string ProductNews = "product-news";

    // Account emails (AccountEmailSend); Data["link"] is the absolute URL to open.
    public const string ConfirmEmail = "account.confirm-email";
    public const string ResetPassword = "account.reset-password";
    public const string PasswordChanged = "account.password-changed";
}
