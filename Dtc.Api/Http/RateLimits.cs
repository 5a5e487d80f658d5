using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Dtc.Api.Http;

/// <summary>One fixed window: at most <see cref="PermitLimit"/> requests per <see cref="WindowSeconds"/>.</summary>
public sealed class WindowLimit
{
    [Range(1, 1_000_000)] public int PermitLimit { get; set; }
    [Range(1, 86_400)] public int WindowSeconds { get; set; }
}

/// <summary>Configuration section "RateLimits"; tests set it low to see the 429.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Every /api request, per signed-in patient (or per client address before sign-in).</summary>
    public WindowLimit General { get; set; } = new() { PermitLimit = 600, WindowSeconds = 60 };
    /// <summary>Log-in and sign-up, per client address: what slows password guessing.</summary>
    public WindowLimit SignIn { get; set; } = new() { PermitLimit = 10, WindowSeconds = 60 };
    /// <summary>Forgot/reset password and email confirmation, per client address: each may send an email.</summary>
    public WindowLimit PasswordReset { get; set; } = new() { PermitLimit = 5, WindowSeconds = 900 };
    /// <summary>Kit registrations, per patient: barcodes are guessable only by brute force.</summary>
    public WindowLimit KitRegistration { get; set; } = new() { PermitLimit = 10, WindowSeconds = 3600 };
}

public static class RateLimits
{
    public const string SignIn = "sign-in";
    public const string PasswordReset = "password-reset";
    public const string KitRegistration = "kit-registration";

    public static IHostApplicationBuilder AddRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => Valid(o.General) && Valid(o.SignIn) && Valid(o.PasswordReset) && Valid(o.KitRegistration),
                "Every rate limit needs a positive PermitLimit and WindowSeconds.")
            .ValidateOnStart();
        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Request.Path.StartsWithSegments("/api")
                    ? Window(context, "general", l => l.General)
                    : RateLimitPartition.GetNoLimiter("unlimited"));
            o.AddPolicy(SignIn, context => Window(context, SignIn, l => l.SignIn));
            o.AddPolicy(PasswordReset, context => Window(context, PasswordReset, l => l.PasswordReset));
            o.AddPolicy(KitRegistration, context => Window(context, KitRegistration, l => l.KitRegistration));
            o.OnRejected = RejectAsync;
        });
        return builder;
    }

    static bool Valid(WindowLimit limit) => limit.PermitLimit > 0 && limit.WindowSeconds > 0;

    static RateLimitPartition<string> Window(HttpContext context, string policy, Func<RateLimitOptions, WindowLimit> pick)
    {
        var limit = pick(context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value);
        return RateLimitPartition.GetFixedWindowLimiter($"{policy}:{PartitionKey(context)}", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit,
            Window = TimeSpan.FromSeconds(limit.WindowSeconds),
            QueueLimit = 0,
        });
    }

    /// <summary>The patient once signed in; before that, the client address.</summary>
    static string PartitionKey(HttpContext context) =>
        context.User.PatientIdOrNull() is { } id ? $"user:{id}" : $"ip:{context.Connection.RemoteIpAddress}";

    static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? (int)Math.Ceiling(retryAfter.TotalSeconds)
            : 60;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"Try again in {seconds} seconds.",
            },
        });
    }
}
