using System.Security.Cryptography.X509Certificates;
using Dtc.Data;
using Dtc.Data.Accounts;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Dtc.Api.Accounts;

public static class AccountServices
{
    /// <summary>Data Protection's application name: the same on every replica, so each reads the others' tokens.</summary>
    public const string ApplicationName = "Dtc";

    /// <summary>
    /// Identity on its EF stores; access tokens are ASP.NET Core bearer tokens protected by Data Protection,
    /// whose key ring lives in PostgreSQL (table data_protection_keys): every replica issues and accepts the
    /// same tokens, email-confirmation and password-reset codes, and no signing secret exists to manage.
    /// </summary>
    public static IHostApplicationBuilder AddAccounts(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddIdentityCore<DtcUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                // The user name is the email, which [EmailAddress] has checked; Identity's default set refuses e.g. o'neil@…
                o.User.AllowedUserNameCharacters = "";
                // Length over composition rules (NIST SP 800-63B).
                o.Password.RequiredLength = 10;
                o.Password.RequiredUniqueChars = 4;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
            })
            .AddEntityFrameworkStores<DtcDbContext>()
            .AddDefaultTokenProviders();
        services.AddOptions<IdentityOptions>().Configure<IOptions<AccountOptions>>((identity, options) =>
        {
            identity.Lockout.MaxFailedAccessAttempts = options.Value.MaxFailedLogIns;
            identity.Lockout.DefaultLockoutTimeSpan = options.Value.LockoutDuration;
        });

        var protection = services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToDbContext<DtcDbContext>();
        // In production the key ring is encrypted at rest with a certificate from the deployment's secrets.
        if (builder.Configuration["DataProtection:CertificatePath"] is { Length: > 0 } certificate)
        {
            protection.ProtectKeysWithCertificate(
                X509CertificateLoader.LoadPkcs12FromFile(certificate, builder.Configuration["DataProtection:CertificatePassword"]));
        }
        services.AddKeyRingWarmup();

        services.AddAuthentication(BearerTokenDefaults.AuthenticationScheme).AddBearerToken();
        services.AddOptions<BearerTokenOptions>(BearerTokenDefaults.AuthenticationScheme)
            .Configure<IOptions<AccountOptions>>((bearer, options) => bearer.BearerTokenExpiration = options.Value.AccessTokenLifetime)
            .PostConfigure<AccessTokenCache>((bearer, cache) => bearer.BearerTokenProtector = cache.Over(bearer.BearerTokenProtector));
        services.AddSingleton(_ => new AccessTokenCache(AccessTokenCache.DefaultCapacity));
        services.AddAuthorization();

        services.AddScoped<SessionTokens>();
        services.AddScoped<AccountEmails>();
        return builder;
    }
}
