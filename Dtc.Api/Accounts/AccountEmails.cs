using Dtc.Data;
using Dtc.Data.Accounts;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Outbox;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Dtc.Api.Accounts;

/// <summary>
/// Account emails are jobs for wrk-default (<c>email.send</c>), written to the outbox with the change that
/// needs them: the API never talks to SMTP. They carry a link to the app, never PHI.
/// </summary>
public sealed class AccountEmails(DtcDbContext db, IOptions<AccountOptions> options)
{
    public const string ConfirmEmailTemplate = "account.confirm-email";
    public const string ResetPasswordTemplate = "account.reset-password";
    public const string PasswordChangedTemplate = "account.password-changed";

    public void ConfirmEmail(DtcUser user, string token) =>
        Send(user, ConfirmEmailTemplate, new() { ["link"] = Link("confirm-email", user.Id, token) });

    public void ResetPassword(DtcUser user, string token) =>
        Send(user, ResetPasswordTemplate, new() { ["link"] = Link("reset-password", user.Id, token) });

    /// <summary>A security notice: if the patient did not change it, they know to reset it.</summary>
    public void PasswordChanged(DtcUser user) => Send(user, PasswordChangedTemplate, []);

    /// <summary>Identity's tokens hold '+', '/' and '='; the link carries them base64url-encoded, as the API expects them back.</summary>
    public static string Encode(string token) => WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(token));

    public static string? Decode(string code)
    {
        try { return System.Text.Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code)); }
        catch (FormatException) { return null; }
    }

    string Link(string page, Guid userId, string token) =>
        $"{options.Value.AppBaseUrl.TrimEnd('/')}/{page}?userId={userId}&code={Encode(token)}";

    void Send(DtcUser user, string template, Dictionary<string, string> data) =>
        db.Publish(new AccountEmailSend(user.Email!, template, $"{template}:{user.Id}:{Guid.CreateVersion7():N}", data));
}
