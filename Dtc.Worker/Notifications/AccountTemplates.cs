using Dtc.Messaging.Consuming;
using T = Dtc.Messaging.Contracts.NotificationTemplates;

namespace Dtc.Worker.Notifications;

/// <summary>Account emails: a subject, a text with the link the API made (if the template needs one).</summary>
public sealed record AccountTemplate(string Name, string Subject, string Text, bool NeedsLink);

public static class AccountTemplates
{
    static readonly AccountTemplate[] all =
    [
        new(T.ConfirmEmail, "Confirm your email address",
            "Please confirm your email address by opening this link:\n\n{link}\n\nIf you did not create a Dtc account, ignore this email.", true),
        new(T.ResetPassword, "Reset your password",
            "Someone asked to reset the password of your Dtc account. To choose a new one, open this link:\n\n{link}\n\nIf it was not you, ignore this email: your password stays as it is.", true),
        new(T.PasswordChanged, "Your password was changed",
            "The password of your Dtc account was changed. If it was not you, reset it at once from the app.", false),
    ];

    static readonly Dictionary<string, AccountTemplate> byName = all.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>The subject and text of a template for this job's data; throws poison for what can never be sent.</summary>
    public static (string Subject, string Text) Render(string name, IReadOnlyDictionary<string, string>? data)
    {
        if (!byName.TryGetValue(name, out var template))
        {
            throw new PoisonMessageException("unknown-template", $"No account email template '{name}'.");
        }
        if (!template.NeedsLink) return (template.Subject, template.Text);
        if (data is null || !data.TryGetValue("link", out var link)
            || !Uri.TryCreate(link, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new PoisonMessageException("missing-link", $"The '{name}' email needs an absolute http(s) 'link' in its data.");
        }
        return (template.Subject, template.Text.Replace("{link}", uri.AbsoluteUri, StringComparison.Ordinal));
    }
}
