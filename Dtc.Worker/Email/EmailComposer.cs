using System.Net;
using Dtc.Worker.Notifications;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Dtc.Worker.Email;

/// <summary>
/// Builds the MIME message: text and a plain HTML alternative, the sender from configuration, and a
/// Message-Id derived from the delivery record, so that a resend after an unknown outcome carries
/// the same id (mail clients collapse such copies).
/// </summary>
public sealed class EmailComposer(IOptions<EmailOptions> email)
{
    const string PrivacyNote = "For your privacy, Dtc never puts test results in emails or text messages.";

    public MimeMessage Compose(Guid deliveryId, string template, string to, string subject, string text, Uri? link)
    {
        if (!MailboxAddress.TryParse(to, out var recipient) || string.IsNullOrEmpty(recipient.Domain))
        {
            throw DeliveryException.Rejected($"'{Mask(to)}' is not a valid email address.");
        }
        var from = MailboxAddress.Parse(email.Value.From);
        var message = new MimeMessage { Subject = subject, MessageId = $"{deliveryId:N}@{from.Domain}" };
        message.From.Add(from);
        message.To.Add(recipient);
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Dtc-Template", template);
        var plain = link is null ? $"{text}\n\n{PrivacyNote}\n" : $"{text}\n\n{link.AbsoluteUri}\n\n{PrivacyNote}\n";
        var html = "<p>" + WebUtility.HtmlEncode(text).Replace("\n", "<br>", StringComparison.Ordinal) + "</p>"
            + (link is null ? "" : $"<p><a href=\"{WebUtility.HtmlEncode(link.AbsoluteUri)}\">Open Dtc</a></p>")
            + $"<p><small>{PrivacyNote}</small></p>";
        message.Body = new BodyBuilder { TextBody = plain, HtmlBody = html }.ToMessageBody();
        return message;
    }

    static string Mask(string address) => address.Length <= 3 ? "***" : address[..2] + "***";
}
