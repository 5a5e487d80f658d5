using System.ComponentModel.DataAnnotations;

namespace Dtc.Worker.Notifications;

/// <summary>Section <c>Notifications</c>.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>The patient app that emails and texts point to.</summary>
    [Required] public Uri? AppUrl { get; set; }
    /// <summary>A claim older than this was left by a crash: its outcome is unknown (see README).</summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
