using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dtc.Api.Accounts;
using Dtc.Messaging.Contracts;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.Api;

/// <summary>A signed-up, confirmed, logged-in patient and an HttpClient that sends their access token.</summary>
public sealed record Patient(Guid Id, string Email, string Password, HttpClient Client, TokenResponse Tokens);

public sealed record EmailLink(Guid UserId, string Code);

public static class Patients
{
    public const string Password = "Correct-horse-battery-9";
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static object Registration(string email, string password = Password) =>
        new { email, password, givenName = "Ana", familyName = "Rivera", dateOfBirth = "1985-02-14" };

    /// <summary>The whole sign-up path a patient takes: register, follow the emailed link, log in.</summary>
    public static async Task<Patient> SignUpAsync(this ApiFactory api, string? email = null)
    {
        email ??= NewEmail();
        var client = api.CreateClient();
        var registered = await client.PostAsJsonAsync("/api/v1/accounts/register", Registration(email));
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var id = (await registered.Content.ReadFromJsonAsync<RegisteredResponse>())!.CustomerId;
        var link = await api.LastEmailLinkAsync(email, AccountEmails.ConfirmEmailTemplate);
        var confirmed = await client.PostAsJsonAsync("/api/v1/accounts/confirm-email", new { userId = link.UserId, code = link.Code });
        Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);
        var tokens = await client.LogInAsync(email);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        return new Patient(id, email, Password, client, tokens);
    }

    public static string NewEmail() => $"{Guid.NewGuid():N}@example.com";

    public static async Task<TokenResponse> LogInAsync(this HttpClient client, string email, string password = Password)
    {
        var response = await client.PostAsJsonAsync("/api/v1/accounts/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
    }

    /// <summary>A client of <paramref name="api"/> (maybe another replica) that sends <paramref name="accessToken"/>.</summary>
    public static HttpClient ClientWith(this ApiFactory api, string accessToken)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>The account emails queued for the worker, newest first (the outbox rows of email.send jobs).</summary>
    public static async Task<List<AccountEmailSend>> EmailsToAsync(this ApiFactory api, string email)
    {
        await using var db = api.Database.CreateContext();
        var bodies = await db.Outbox.AsNoTracking().Where(m => m.Type == AccountEmailSend.MessageType)
            .OrderByDescending(m => m.Seq).Select(m => m.Body).ToListAsync();
        return bodies.Select(b => JsonSerializer.Deserialize<AccountEmailSend>(b, Json)!).Where(m => m.To == email).ToList();
    }

    public static async Task<EmailLink> LastEmailLinkAsync(this ApiFactory api, string email, string template)
    {
        var message = (await api.EmailsToAsync(email)).First(m => m.Template == template);
        var query = QueryHelpers.ParseQuery(new Uri(message.Data["link"]).Query);
        return new EmailLink(Guid.Parse(query["userId"]!), query["code"]!);
    }
}
