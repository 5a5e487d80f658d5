using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtc.Api.Accounts;
using Dtc.Messaging;
using Dtc.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.Api;

public sealed class AccountsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    ApiFactory Api => fixture.Api;

    [Fact]
    public async Task RegisterCreatesTheCustomerAndQueuesTheConfirmationEmail()
    {
        var email = Patients.NewEmail();
        using var client = Api.CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/accounts/register", Patients.Registration(email));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customerId").GetGuid();
        await using var db = fixture.Database.CreateContext();
        var customer = await db.Customers.SingleAsync(c => c.Id == id);
        Assert.Equal(email, customer.Email);
        Assert.Equal(new DateOnly(1985, 2, 14), customer.DateOfBirth);
        Assert.False(customer.EmailVerified);
        Assert.Contains(await db.Outbox.Where(m => m.Type == CustomerRegistered.MessageType).Select(m => m.Body).ToListAsync(),
            body => JsonSerializer.Deserialize<CustomerRegistered>(body, Patients.Json)!.CustomerId == id);
        var mail = Assert.Single(await Api.EmailsToAsync(email));
        Assert.Equal(AccountEmails.ConfirmEmailTemplate, mail.Template);
        Assert.StartsWith($"https://app.dtc.example/confirm-email?userId={id}&code=", mail.Data["link"]);
        Assert.Contains(AccountEmailSend.MessageType, Topology.Routes[Topology.Queues.WorkerDefault]); // a job for wrk-default
    }

    [Fact]
    public async Task RegisterWithInvalidFieldsNamesEachField()
    {
        using var client = Api.CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/accounts/register",
            new { email = "not-an-email", password = "pw", givenName = "", familyName = "Rivera" });

        await ProblemAssert.NamesFieldsAsync(response, "email", "givenName", "dateOfBirth");
    }

    [Fact]
    public async Task RegisterWithAFutureBirthDateOrAWeakPasswordNamesTheField()
    {
        using var client = Api.CreateClient();

        var future = await client.PostAsJsonAsync("/api/v1/accounts/register",
            new { email = Patients.NewEmail(), password = Patients.Password, givenName = "Ana", familyName = "Rivera", dateOfBirth = "2999-01-01" });
        var weak = await client.PostAsJsonAsync("/api/v1/accounts/register",
            new { email = Patients.NewEmail(), password = "aaaaaaaaaaaa", givenName = "Ana", familyName = "Rivera", dateOfBirth = "1990-01-01" });

        await ProblemAssert.NamesFieldsAsync(future, "dateOfBirth");
        await ProblemAssert.NamesFieldsAsync(weak, "password");
    }

    [Fact]
    public async Task RegisteringTheSameEmailTwiceIsRefusedOnTheEmailField()
    {
        var email = Patients.NewEmail();
        using var client = Api.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/accounts/register", Patients.Registration(email))).StatusCode);

        var again = await client.PostAsJsonAsync("/api/v1/accounts/register", Patients.Registration(email.ToUpperInvariant()));

        await ProblemAssert.NamesFieldsAsync(again, "email");
        await using var db = fixture.Database.CreateContext();
        Assert.Equal(1, await db.Customers.CountAsync(c => c.Email.ToLower() == email));
    }

    [Fact]
    public async Task LogInBeforeConfirmingTheEmailIsRefused()
    {
        var email = Patients.NewEmail();
        using var client = Api.CreateClient();
        await client.PostAsJsonAsync("/api/v1/accounts/register", Patients.Registration(email));

        var response = await client.PostAsJsonAsync("/api/v1/accounts/login", new { email, password = Patients.Password });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("email-not-confirmed", problem.Code());
    }

    [Fact]
    public async Task ConfirmingTheEmailMarksTheCustomerVerified()
    {
        var patient = await Api.SignUpAsync();

        await using var db = fixture.Database.CreateContext();
        Assert.True(await db.Customers.Where(c => c.Id == patient.Id).Select(c => c.EmailVerified).SingleAsync());
        Assert.True(await db.Users.Where(u => u.Id == patient.Id).Select(u => u.EmailConfirmed).SingleAsync());
    }

    [Fact]
    public async Task ConfirmingWithAWrongCodeNamesTheCodeField()
    {
        var email = Patients.NewEmail();
        using var client = Api.CreateClient();
        await client.PostAsJsonAsync("/api/v1/accounts/register", Patients.Registration(email));
        var link = await Api.LastEmailLinkAsync(email, AccountEmails.ConfirmEmailTemplate);

        var wrong = await client.PostAsJsonAsync("/api/v1/accounts/confirm-email", new { userId = link.UserId, code = "bm90LWEtY29kZQ" });
        var missing = await client.PostAsJsonAsync("/api/v1/accounts/confirm-email", new { code = link.Code });

        await ProblemAssert.NamesFieldsAsync(wrong, "code");
        await ProblemAssert.NamesFieldsAsync(missing, "userId");
    }

    [Fact]
    public async Task ResendingTheConfirmationQueuesANewEmailOnlyForAnUnconfirmedAccount()
    {
        var email = Patients.NewEmail();
        using var client = Api.CreateClient();
        await client.PostAsJsonAsync("/api/v1/accounts/register", Patients.Registration(email));

        var resent = await client.PostAsJsonAsync("/api/v1/accounts/confirm-email/resend", new { email });
        var unknown = await client.PostAsJsonAsync("/api/v1/accounts/confirm-email/resend", new { email = Patients.NewEmail() });

        Assert.Equal(HttpStatusCode.Accepted, resent.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, unknown.StatusCode); // the same answer: no account enumeration
        Assert.Equal(2, (await Api.EmailsToAsync(email)).Count(m => m.Template == AccountEmails.ConfirmEmailTemplate));
    }

    [Fact]
    public async Task LogInReturnsAShortLivedAccessTokenAndARefreshToken()
    {
        var patient = await Api.SignUpAsync();

        Assert.Equal("Bearer", patient.Tokens.TokenType);
        Assert.InRange(patient.Tokens.ExpiresIn, 1, 15 * 60);
        Assert.False(string.IsNullOrEmpty(patient.Tokens.RefreshToken));
        Assert.Equal(HttpStatusCode.OK, (await patient.Client.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task WrongPasswordAndUnknownEmailGetTheSameAnswer()
    {
        var patient = await Api.SignUpAsync();
        using var client = Api.CreateClient();

        var wrong = await client.PostAsJsonAsync("/api/v1/accounts/login", new { email = patient.Email, password = "not-the-password" });
        var unknown = await client.PostAsJsonAsync("/api/v1/accounts/login", new { email = Patients.NewEmail(), password = "not-the-password" });

        var a = await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.Unauthorized);
        var b = await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.Unauthorized);
        Assert.Equal(a.GetProperty("title").GetString(), b.GetProperty("title").GetString());
        Assert.Equal("invalid-credentials", a.Code());
    }

    [Fact]
    public async Task FiveFailedLogInsLockTheAccountEvenAgainstTheRightPassword()
    {
        var patient = await Api.SignUpAsync();
        using var client = Api.CreateClient();
        for (var i = 0; i < 4; i++)
        {
            var failed = await client.PostAsJsonAsync("/api/v1/accounts/login", new { email = patient.Email, password = $"wrong-password-{i}" });
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        var fifth = await client.PostAsJsonAsync("/api/v1/accounts/login", new { email = patient.Email, password = "wrong-password-5" });
        var right = await client.PostAsJsonAsync("/api/v1/accounts/login", new { email = patient.Email, password = patient.Password });

        Assert.Equal("account-locked", (await ProblemAssert.IsProblemAsync(fifth, HttpStatusCode.Forbidden)).Code());
        Assert.Equal("account-locked", (await ProblemAssert.IsProblemAsync(right, HttpStatusCode.Forbidden)).Code());
    }

    [Fact]
    public async Task LogInWithoutAPasswordNamesTheField()
    {
        using var client = Api.CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/accounts/login", new { email = Patients.NewEmail() });

        await ProblemAssert.NamesFieldsAsync(response, "password");
    }
}
