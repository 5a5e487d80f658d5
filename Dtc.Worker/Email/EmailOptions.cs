using System.ComponentModel.DataAnnotations;
using MailKit.Security;

namespace Dtc.Worker.Email;

/// <summary>The SMTP relay (section <c>Email</c>). In development the AppHost points it at the mail sink.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    [Required] public string Host { get; set; } = "";
    [Range(1, 65535)] public int Port { get; set; } = 25;
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.Auto;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    /// <summary>The sender, e.g. <c>Dtc &lt;no-reply@dtc.example&gt;</c>.</summary>
    [Required] public string From { get; set; } = "";
    [Range(1, 300)] public int TimeoutSeconds { get; set; } = 30;
}
