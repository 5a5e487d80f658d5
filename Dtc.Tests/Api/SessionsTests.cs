using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Dtc.Api.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.Api;

/// <summary>Refresh-token rotation and reuse detection, log-out, password change and reset.</summary>
public sealed class SessionsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    ApiFactory Api => fixture.Api;

    async Task<HttpResponseMessage> RefreshAsync(string refreshToken)
    {
        using var client = Api.CreateClient();
        return await client.PostAsJsonAsync("/api/v1/accounts/refresh", new { refreshToken });
    }

    [Fact]
    public async Task RefreshRotatesTheTokenAndTheNewAccessTokenWorks()
    {
        var patient = await Api.SignUpAsync();

        var response = await RefreshAsync(patient.Tokens.RefreshToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var next = (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
        Assert.NotEqual(patient.Tokens.RefreshToken, next.RefreshToken);
        using var client = Api.ClientWith(next.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(next.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task RefreshTokensAreStoredOnlyAsHashes()
    {
        var patient = await Api.SignUpAsync();

        await using var db = fixture.Database.CreateContext();
        var stored = await db.RefreshTokens.Where(t => t.UserId == patient.Id).Select(t => t.TokenHash).ToListAsync();
        Assert.DoesNotContain(patient.Tokens.RefreshToken, stored);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(patient.Tokens.RefreshToken))), stored);
    }

    [Fact]
    public async Task ReusingARotatedRefreshTokenRevokesTheWholeFamily()
    {
        var patient = await Api.SignUpAsync();
        var rotated = (await (await RefreshAsync(patient.Tokens.RefreshToken)).Content.ReadFromJsonAsync<TokenResponse>())!;

        var replay = await RefreshAsync(patient.Tokens.RefreshToken); // a stolen copy of the first token
        var legitimate = await RefreshAsync(rotated.RefreshToken);

        Assert.Equal("invalid-refresh-token", (await ProblemAssert.IsProblemAsync(replay, HttpStatusCode.Unauthorized)).Code());
        await ProblemAssert.IsProblemAsync(legitimate, HttpStatusCode.Unauthorized);
        await using var db = fixture.Database.CreateContext();
        Assert.False(await db.RefreshTokens.AnyAsync(t => t.UserId == patient.Id && t.RevokedAt == null));
    }

    [Fact]
    public async Task AnExpiredRefreshTokenIsRefused()
    {
        var patient = await Api.SignUpAsync();
        await using (var db = fixture.Database.CreateContext())
        {
            await db.RefreshTokens.Where(t => t.UserId == patient.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        }

        await ProblemAssert.IsProblemAsync(await RefreshAsync(patient.Tokens.RefreshToken), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task RefreshWithoutATokenNamesTheField()
    {
        using var client = Api.CreateClient();

        await ProblemAssert.NamesFieldsAsync(await client.PostAsJsonAsync("/api/v1/accounts/refresh", new { }), "refreshToken");
    }

    [Fact]
    public async Task LogOutEndsThisSessionButNotTheOthers()
    {
        var patient = await Api.SignUpAsync();
        using var other = Api.CreateClient();
        var otherSession = await other.LogInAsync(patient.Email);

        var response = await patient.Client.PostAsync("/api/v1/accounts/logout", null);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await ProblemAssert.IsProblemAsync(await RefreshAsync(patient.Tokens.RefreshToken), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(otherSession.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task LogOutOnAllDevicesEndsEverySession()
    {
        var patient = await Api.SignUpAsync();
        using var other = Api.CreateClient();
        var otherSession = await other.LogInAsync(patient.Email);

        Assert.Equal(HttpStatusCode.NoContent, (await patient.Client.PostAsync("/api/v1/accounts/logout?allDevices=true", null)).StatusCode);

        await ProblemAssert.IsProblemAsync(await RefreshAsync(otherSession.RefreshToken), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task LogOutNeedsAToken()
    {
        using var client = Api.CreateClient();

        await ProblemAssert.IsProblemAsync(await client.PostAsync("/api/v1/accounts/logout", null), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ChangingThePasswordEndsOtherSessionsAndKeepsThisOne()
    {
        var patient = await Api.SignUpAsync();
        const string newPassword = "A-much-better-passphrase-2";

        var response = await patient.Client.PostAsJsonAsync("/api/v1/accounts/change-password",
            new { currentPassword = patient.Password, newPassword });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tokens = (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(tokens.RefreshToken)).StatusCode);
        await ProblemAssert.IsProblemAsync(await RefreshAsync(patient.Tokens.RefreshToken), HttpStatusCode.Unauthorized);
        using var client = Api.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/v1/accounts/login", new { email = patient.Email, password = patient.Password })).StatusCode);
        await client.LogInAsync(patient.Email, newPassword);
        Assert.Contains(await Api.EmailsToAsync(patient.Email), m => m.Template == AccountEmails.PasswordChangedTemplate);
    }

    [Fact]
    public async Task ChangingThePasswordWithAWrongCurrentOneNamesThatField()
    {
        var patient = await Api.SignUpAsync();

        var wrong = await patient.Client.PostAsJsonAsync("/api/v1/accounts/change-password",
            new { currentPassword = "not-my-password", newPassword = "A-much-better-passphrase-2" });
        var weak = await patient.Client.PostAsJsonAsync("/api/v1/accounts/change-password",
            new { currentPassword = patient.Password, newPassword = "short" });

        await ProblemAssert.NamesFieldsAsync(wrong, "currentPassword");
        await ProblemAssert.NamesFieldsAsync(weak, "newPassword");
    }

    [Fact]
    public async Task ForgotAndResetPasswordSetsTheNewPasswordUnlocksAndEndsEverySession()
    {
        var patient = await Api.SignUpAsync();
        using var client = Api.CreateClient();
        for (var i = 0; i < 5; i++) await client.PostAsJsonAsync("/api/v1/accounts/login", new { email = patient.Email, password = "wrong-password" });

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/v1/accounts/forgot-password", new { email = patient.Email })).StatusCode);
        var link = await Api.LastEmailLinkAsync(patient.Email, AccountEmails.ResetPasswordTemplate);
        const string newPassword = "Reset-and-remembered-3";
        var reset = await client.PostAsJsonAsync("/api/v1/accounts/reset-password", new { userId = link.UserId, code = link.Code, newPassword });

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        await client.LogInAsync(patient.Email, newPassword); // no longer locked
        await ProblemAssert.IsProblemAsync(await RefreshAsync(patient.Tokens.RefreshToken), HttpStatusCode.Unauthorized);
        var reused = await client.PostAsJsonAsync("/api/v1/accounts/reset-password", new { userId = link.UserId, code = link.Code, newPassword = "Yet-another-passphrase-4" });
        await ProblemAssert.NamesFieldsAsync(reused, "code"); // a reset code works once
    }

    [Fact]
    public async Task ForgotPasswordAnswersTheSameForAnUnknownEmailAndSendsNothing()
    {
        using var client = Api.CreateClient();
        var email = Patients.NewEmail();

        var response = await client.PostAsJsonAsync("/api/v1/accounts/forgot-password", new { email });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(await Api.EmailsToAsync(email));
    }

    [Fact]
    public async Task ResetWithAForgedCodeOrAWeakPasswordNamesTheField()
    {
        var patient = await Api.SignUpAsync();
        using var client = Api.CreateClient();
        await client.PostAsJsonAsync("/api/v1/accounts/forgot-password", new { email = patient.Email });
        var link = await Api.LastEmailLinkAsync(patient.Email, AccountEmails.ResetPasswordTemplate);

        var forged = await client.PostAsJsonAsync("/api/v1/accounts/reset-password",
            new { userId = patient.Id, code = AccountEmails.Encode("forged"), newPassword = "Reset-and-remembered-3" });
        var weak = await client.PostAsJsonAsync("/api/v1/accounts/reset-password", new { userId = link.UserId, code = link.Code, newPassword = "abc" });
        var invalid = await client.PostAsJsonAsync("/api/v1/accounts/forgot-password", new { email = "nope" });

        await ProblemAssert.NamesFieldsAsync(forged, "code");
        await ProblemAssert.NamesFieldsAsync(weak, "newPassword");
        await ProblemAssert.NamesFieldsAsync(invalid, "email");
    }
}
