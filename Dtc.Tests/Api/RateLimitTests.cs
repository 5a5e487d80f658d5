using System.Net;
using System.Net.Http.Json;
using Dtc.Tests.Infrastructure;

namespace Dtc.Tests.Api;

/// <summary>An API with low limits of its own, so that reaching them never disturbs other tests.</summary>
public sealed class RateLimitFixture : IAsyncLifetime
{
    public ApiFactory Api { get; private set; } = null!;
    TestDatabase? _database;
    TestBroker? _broker;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _broker = await TestBroker.CreateAsync();
        Api = new ApiFactory(_database, _broker, new Dictionary<string, string?>
        {
            ["RateLimits:General:PermitLimit"] = "30",
            ["RateLimits:General:WindowSeconds"] = "600",
            ["RateLimits:SignIn:PermitLimit"] = "14",
            ["RateLimits:SignIn:WindowSeconds"] = "600",
            ["RateLimits:PasswordReset:PermitLimit"] = "4",
            ["RateLimits:PasswordReset:WindowSeconds"] = "600",
            ["RateLimits:KitRegistration:PermitLimit"] = "2",
            ["RateLimits:KitRegistration:WindowSeconds"] = "600",
        });
        _ = Api.Server;
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await _broker!.DisposeAsync();
        await _database!.DisposeAsync();
    }
}

public sealed class RateLimitTests(RateLimitFixture fixture) : IClassFixture<RateLimitFixture>
{
    static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.TooManyRequests);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 600);
    }

    // One test: the sign-in and password-reset budgets are per client address, which all requests here share.
    [Fact]
    public async Task EachBudgetRunsOutWith429AndRetryAfter()
    {
        // Each sign-up spends 2 sign-in permits (register, log in) and 1 password-reset permit (confirm email).
        var patient = await fixture.Api.SignUpAsync();
        var other = await fixture.Api.SignUpAsync();
        using var anonymous = fixture.Api.CreateClient();

        // Password reset: 2 left.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/api/v1/accounts/forgot-password", new { email = patient.Email })).StatusCode);
        }
        await AssertTooManyAsync(await anonymous.PostAsJsonAsync("/api/v1/accounts/forgot-password", new { email = patient.Email }));
        Assert.Equal(2, (await fixture.Api.EmailsToAsync(patient.Email)).Count(m => m.Template == Dtc.Api.Accounts.AccountEmails.ResetPasswordTemplate));

        // Log-in: 10 left; wrong passwords spend them too.
        var attempts = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++)
        {
            attempts.Add((await anonymous.PostAsJsonAsync("/api/v1/accounts/login", new { email = Patients.NewEmail(), password = "guess-" + i })).StatusCode);
        }
        Assert.Equal(10, attempts.Count(s => s == HttpStatusCode.Unauthorized));
        await AssertTooManyAsync(await anonymous.PostAsJsonAsync("/api/v1/accounts/login", new { email = patient.Email, password = patient.Password }));

        // Kit registration, per patient: 2.
        for (var i = 0; i < 2; i++)
        {
            var accepted = await patient.Client.PostAsJsonAsync("/api/v1/kits/registrations",
                new { barcode = Seed.NewBarcode(), collectedAt = DateTimeOffset.UtcNow.AddHours(-1), consentToTesting = true });
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }
        await AssertTooManyAsync(await patient.Client.PostAsJsonAsync("/api/v1/kits/registrations",
            new { barcode = Seed.NewBarcode(), collectedAt = DateTimeOffset.UtcNow.AddHours(-1), consentToTesting = true }));

        // The general budget is each patient's own: 30 requests, whatever the others spent.
        for (var i = 0; i < 30; i++)
        {
            var status = (await other.Client.GetAsync("/api/v1/catalogue/products")).StatusCode;
            Assert.True(status == HttpStatusCode.OK, $"request {i + 1} of 30 answered {(int)status}");
        }
        await AssertTooManyAsync(await other.Client.GetAsync("/api/v1/catalogue/products"));
    }
}
