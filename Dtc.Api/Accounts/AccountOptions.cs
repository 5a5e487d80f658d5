using System.ComponentModel.DataAnnotations;

namespace Dtc.Api.Accounts;

/// <summary>Configuration section "Accounts".</summary>
public sealed class AccountOptions
{
    public const string Section = "Accounts";

    /// <summary>Lifetime of a bearer access token: 15 minutes at most, so a revoked session ends soon.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "00:15:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Lifetime of a refresh token; each use rotates it and starts a new lifetime.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "90.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Where the patient app serves its confirm-email and reset-password pages (the links in account emails).</summary>
    [Required, Url]
    public string AppBaseUrl { get; set; } = "https://app.dtc.example";

    /// <summary>Failed log-ins in a row that lock an account, and for how long.</summary>
    [Range(3, 20)]
    public int MaxFailedLogIns { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}
