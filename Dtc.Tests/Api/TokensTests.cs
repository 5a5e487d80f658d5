using System.Net;
using System.Net.Http.Json;
using Dtc.Api.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtc.Tests.Api;

/// <summary>Who may call what: tokens missing, expired, tampered with, or issued by another replica.</summary>
public sealed class TokensTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    ApiFactory Api => fixture.Api;

    static readonly string[] anonymous =
    [
        "POST api/v1/accounts/register", "POST api/v1/accounts/login", "POST api/v1/accounts/refresh",
        "POST api/v1/accounts/confirm-email", "POST api/v1/accounts/confirm-email/resend",
        "POST api/v1/accounts/forgot-password", "POST api/v1/accounts/reset-password",
    ];

    [Fact]
    public async Task EveryEndpointButSignUpLogInAndPasswordResetAnswers401WithoutAToken()
    {
        var routes = ApiRoutes.All(Api);
        var open = routes.Where(r => r.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null).Select(r => $"{r.Method} {r.Pattern}").Order();
        Assert.Equal(anonymous.Order(), open);
        using var client = Api.CreateClient();

        var protectedRoutes = routes.Where(r => r.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null).ToList();
        Assert.True(protectedRoutes.Count >= 20, $"only {protectedRoutes.Count} protected routes found");
        foreach (var (method, pattern, _) in protectedRoutes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), ApiRoutes.Url(pattern, Guid.NewGuid()));
            if (method is "POST" or "PUT") request.Content = JsonContent.Create(new { });
            var response = await client.SendAsync(request);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    [Fact]
    public async Task AnExpiredAccessTokenAnswers401AndTheRefreshTokenStillWorks()
    {
        var patient = await Api.SignUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await patient.Client.GetAsync("/api/v1/me")).StatusCode); // its ticket cached from here

        Api.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));

        await ProblemAssert.IsProblemAsync(await patient.Client.GetAsync("/api/v1/me"), HttpStatusCode.Unauthorized);
        var refreshed = await Api.CreateClient().PostAsJsonAsync("/api/v1/accounts/refresh", new { refreshToken = patient.Tokens.RefreshToken });
        var tokens = (await refreshed.Content.ReadFromJsonAsync<TokenResponse>())!;
        Assert.Equal(HttpStatusCode.OK, (await Api.ClientWith(tokens.AccessToken).GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task EachReplicaReadsAnAccessTokenOnceAndKeepsNoUnreadableOne()
    {
        var cache = Api.Services.GetRequiredService<AccessTokenCache>();
        var patient = await Api.SignUpAsync();
        var (before, hits) = (cache.Count, cache.Hits);

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await patient.Client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(before + 1, cache.Count);
        Assert.Equal(hits + 2, cache.Hits);

        var token = patient.Tokens.AccessToken;
        var tampered = token[..20] + (token[20] == 'A' ? 'B' : 'A') + token[21..];
        await ProblemAssert.IsProblemAsync(await Api.ClientWith(tampered).GetAsync("/api/v1/me"), HttpStatusCode.Unauthorized);
        Assert.Equal(before + 1, cache.Count);
    }

    [Fact]
    public async Task ATamperedOrForeignTokenAnswers401()
    {
        var patient = await Api.SignUpAsync();
        var token = patient.Tokens.AccessToken;
        var tampered = token[..20] + (token[20] == 'A' ? 'B' : 'A') + token[21..];

        await ProblemAssert.IsProblemAsync(await Api.ClientWith(tampered).GetAsync("/api/v1/me"), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await Api.ClientWith("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.").GetAsync("/api/v1/me"), HttpStatusCode.Unauthorized);
        // A refresh token is not an access token.
        await ProblemAssert.IsProblemAsync(await Api.ClientWith(patient.Tokens.RefreshToken).GetAsync("/api/v1/me"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TokensAndEmailCodesIssuedByOneReplicaAreAcceptedByAnother()
    {
        await using var replica = new ApiFactory(fixture.Database, fixture.Broker, clock: Api.Clock);
        var patient = await Api.SignUpAsync();

        using var elsewhere = replica.ClientWith(patient.Tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.GetAsync("/api/v1/me")).StatusCode);

        var refreshed = await replica.CreateClient().PostAsJsonAsync("/api/v1/accounts/refresh", new { refreshToken = patient.Tokens.RefreshToken });
        var tokens = (await refreshed.Content.ReadFromJsonAsync<TokenResponse>())!;
        Assert.Equal(HttpStatusCode.OK, (await Api.ClientWith(tokens.AccessToken).GetAsync("/api/v1/me")).StatusCode);

        await Api.CreateClient().PostAsJsonAsync("/api/v1/accounts/forgot-password", new { email = patient.Email });
        var link = await Api.LastEmailLinkAsync(patient.Email, AccountEmails.ResetPasswordTemplate);
        var reset = await replica.CreateClient().PostAsJsonAsync("/api/v1/accounts/reset-password",
            new { userId = link.UserId, code = link.Code, newPassword = "Reset-on-another-replica-5" });
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);

        await using var db = fixture.Database.CreateContext();
        Assert.Equal(1, await db.DataProtectionKeys.CountAsync()); // one key ring, in PostgreSQL
    }

    [Fact]
    public async Task AnAccessTokenLifetimeOverFifteenMinutesIsRefusedAtStartUp()
    {
        var settings = new Dictionary<string, string?>(ApiFactory.RelaxedLimits) { ["Accounts:AccessTokenLifetime"] = "00:30:00" };
        await using var misconfigured = new ApiFactory(fixture.Database, fixture.Broker, settings);

        var error = Assert.ThrowsAny<Exception>(() => misconfigured.Server);

        Assert.Contains(nameof(AccountOptions.AccessTokenLifetime), error.ToString());
    }
}
