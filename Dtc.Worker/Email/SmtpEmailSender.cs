using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Dtc.Worker.Notifications;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Dtc.Worker.Email;

public interface IEmailSender
{
    /// <summary>Hands the message to the relay; returns its Message-Id. Throws <see cref="DeliveryException"/>.</summary>
    Task<string> SendAsync(MimeMessage message, CancellationToken ct);
}

/// <summary>
/// SMTP through MailKit, one connection per message (a few messages a minute do not need a pool).
/// Replies are classified: 5xx to the sender, a recipient or the message is permanent; 4xx replies
/// and failures to connect are transient.
/// </summary>
public sealed class SmtpEmailSender(IOptions<EmailOptions> options) : IEmailSender
{
    public async Task<string> SendAsync(MimeMessage message, CancellationToken ct)
    {
        var o = options.Value;
        using var client = new SmtpClient { Timeout = o.TimeoutSeconds * 1000 };
        try
        {
            await client.ConnectAsync(o.Host, o.Port, o.Security, ct);
            if (!string.IsNullOrEmpty(o.UserName)) await client.AuthenticateAsync(o.UserName, o.Password ?? "", ct);
            var answer = await client.SendAsync(message, ct);
            await client.DisconnectAsync(true, ct);
            return message.MessageId ?? answer;
        }
        catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500 && ex.ErrorCode != SmtpErrorCode.UnexpectedStatusCode)
        {
            throw DeliveryException.Rejected($"SMTP {(int)ex.StatusCode} {ex.ErrorCode}: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or ServiceNotConnectedException
            or SocketException or IOException or SslHandshakeException or AuthenticationException or TimeoutException)
        {
            throw DeliveryException.Transient($"SMTP: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }
}
