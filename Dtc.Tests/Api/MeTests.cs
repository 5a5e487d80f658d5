using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtc.Api.Audit;
using Dtc.Api.Me;
using Dtc.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.Api;

public sealed class MeTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    ApiFactory Api => fixture.Api;

    static object Update(long version, string? phone = null, string timeZone = "America/New_York", object? address = null) => new
    {
        givenName = "Ana Maria",
        familyName = "Rivera",
        dateOfBirth = "1985-02-14",
        phone,
        shippingAddress = address ?? new { line1 = "1 Main St", city = "Springfield", postalCode = "12345", country = "US" },
        timeZone,
        version,
    };

    async Task<List<T>> OutboxAsync<T>(string type)
    {
        await using var db = fixture.Database.CreateContext();
        var bodies = await db.Outbox.AsNoTracking().Where(m => m.Type == type).Select(m => m.Body).ToListAsync();
        return bodies.Select(b => JsonSerializer.Deserialize<T>(b, Patients.Json)!).ToList();
    }

    async Task<List<string>> AuditActionsAsync(Guid customerId)
    {
        await using var db = fixture.Database.CreateContext();
        return await db.AuditEvents.Where(a => a.CustomerId == customerId).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
    }

    [Fact]
    public async Task ReadingTheProfileReturnsItAndIsAudited()
    {
        var patient = await Api.SignUpAsync();

        var profile = await patient.Client.GetFromJsonAsync<ProfileResponse>("/api/v1/me");

        Assert.Equal(patient.Id, profile!.Id);
        Assert.Equal(patient.Email, profile.Email);
        Assert.True(profile.EmailVerified);
        Assert.StartsWith("PAT-", profile.PatientNumber);
        Assert.Equal(1, profile.Version);
        await using var db = fixture.Database.CreateContext();
        var audit = await db.AuditEvents.SingleAsync(a => a.CustomerId == patient.Id && a.Action == AuditActions.ProfileRead);
        Assert.Equal(patient.Id, audit.ActorId);
        Assert.Equal(AuditActions.Customer, audit.ResourceType);
        Assert.Equal(patient.Id.ToString(), audit.ResourceId);
        Assert.False(string.IsNullOrEmpty(audit.TraceId));
    }

    [Fact]
    public async Task UpdatingTheProfileBumpsTheVersionPublishesTheChangeAndIsAudited()
    {
        var patient = await Api.SignUpAsync();

        var response = await patient.Client.PutAsJsonAsync("/api/v1/me", Update(version: 1, phone: "+14155550123"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var profile = (await response.Content.ReadFromJsonAsync<ProfileResponse>())!;
        Assert.Equal(2, profile.Version);
        Assert.Equal("Ana Maria", profile.GivenName);
        Assert.Equal("Springfield", profile.ShippingAddress!.City);
        Assert.Equal("America/New_York", (await patient.Client.GetFromJsonAsync<ProfileResponse>("/api/v1/me"))!.TimeZone);
        var published = Assert.Single(await OutboxAsync<CustomerProfileUpdated>(CustomerProfileUpdated.MessageType), m => m.CustomerId == patient.Id);
        Assert.Equal(2, published.Version);
        Assert.Equal("+14155550123", published.Phone);
        Assert.Contains(AuditActions.ProfileUpdate, await AuditActionsAsync(patient.Id));
    }

    [Fact]
    public async Task UpdatingFromAStaleVersionAnswers409AndChangesNothing()
    {
        var patient = await Api.SignUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await patient.Client.PutAsJsonAsync("/api/v1/me", Update(version: 1))).StatusCode);

        var stale = await patient.Client.PutAsJsonAsync("/api/v1/me", Update(version: 1, timeZone: "Europe/Paris"));

        var problem = await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.Conflict);
        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt64());
        Assert.Equal("America/New_York", (await patient.Client.GetFromJsonAsync<ProfileResponse>("/api/v1/me"))!.TimeZone);
    }

    [Fact]
    public async Task AnInvalidProfileNamesEachField()
    {
        var patient = await Api.SignUpAsync();

        var badFormats = await patient.Client.PutAsJsonAsync("/api/v1/me",
            Update(version: 1, phone: "555-0123", address: new { line1 = "", city = "Springfield", postalCode = "12345", country = "usa" }));
        var badZone = await patient.Client.PutAsJsonAsync("/api/v1/me", Update(version: 1, timeZone: "Mars/Olympus_Mons"));
        var noVersion = await patient.Client.PutAsJsonAsync("/api/v1/me", new { givenName = "Ana", familyName = "Rivera", dateOfBirth = "1985-02-14", timeZone = "UTC" });

        await ProblemAssert.NamesFieldsAsync(badFormats, "phone", "shippingAddress.line1", "shippingAddress.country");
        await ProblemAssert.NamesFieldsAsync(badZone, "timeZone");
        await ProblemAssert.NamesFieldsAsync(noVersion, "version");
    }

    [Fact]
    public async Task ThePatientCannotSetTheirIdEmailOrPatientNumberThroughTheProfile()
    {
        var patient = await Api.SignUpAsync();
        var before = (await patient.Client.GetFromJsonAsync<ProfileResponse>("/api/v1/me"))!;

        var response = await patient.Client.PutAsJsonAsync("/api/v1/me", new
        {
            id = Guid.NewGuid(), email = "someone-else@example.com", emailVerified = false, patientNumber = "PAT-0000000001",
            givenName = "Ana", familyName = "Rivera", dateOfBirth = "1985-02-14", timeZone = "UTC", version = 1,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = (await response.Content.ReadFromJsonAsync<ProfileResponse>())!;
        Assert.Equal((before.Id, before.Email, before.PatientNumber, true), (after.Id, after.Email, after.PatientNumber, after.EmailVerified));
    }

    [Fact]
    public async Task PreferencesAreReadAndReplacedAndTheChangeIsPublished()
    {
        var patient = await Api.SignUpAsync();
        var defaults = (await patient.Client.GetFromJsonAsync<PreferencesResponse>("/api/v1/me/preferences"))!;
        Assert.True(defaults.ResultsByEmail);
        Assert.False(defaults.Marketing);

        var response = await patient.Client.PutAsJsonAsync("/api/v1/me/preferences",
            new { resultsByEmail = false, resultsBySms = false, marketing = true, quietHoursStart = 22, quietHoursEnd = 7 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var saved = (await patient.Client.GetFromJsonAsync<PreferencesResponse>("/api/v1/me/preferences"))!;
        Assert.Equal((false, false, true, 22, 7), (saved.ResultsByEmail, saved.ResultsBySms, saved.Marketing, saved.QuietHoursStart, saved.QuietHoursEnd));
        var published = Assert.Single(await OutboxAsync<CustomerPreferencesChanged>(CustomerPreferencesChanged.MessageType), m => m.CustomerId == patient.Id);
        Assert.True(published.Marketing);
        Assert.Contains(AuditActions.PreferencesUpdate, await AuditActionsAsync(patient.Id));
    }

    [Fact]
    public async Task SmsPreferenceNeedsAPhoneAndHoursMustBeHoursOfTheDay()
    {
        var patient = await Api.SignUpAsync();

        var sms = await patient.Client.PutAsJsonAsync("/api/v1/me/preferences", new { resultsByEmail = true, resultsBySms = true, marketing = false });
        var hours = await patient.Client.PutAsJsonAsync("/api/v1/me/preferences",
            new { resultsByEmail = true, resultsBySms = false, marketing = false, quietHoursStart = 25 });
        var missing = await patient.Client.PutAsJsonAsync("/api/v1/me/preferences", new { resultsByEmail = true });

        await ProblemAssert.NamesFieldsAsync(sms, "resultsBySms");
        await ProblemAssert.NamesFieldsAsync(hours, "quietHoursStart");
        await ProblemAssert.NamesFieldsAsync(missing, "resultsBySms", "marketing");
    }

    [Fact]
    public async Task RequestingClosureIsAcceptedOncePublishedOnceAndKeepsTheFirstTime()
    {
        var patient = await Api.SignUpAsync();

        var first = await patient.Client.PostAsync("/api/v1/me/closure", null);
        var second = await patient.Client.PostAsync("/api/v1/me/closure", null);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        var at = (await first.Content.ReadFromJsonAsync<ClosureResponse>())!.ClosureRequestedAt;
        Assert.Equal(at, (await second.Content.ReadFromJsonAsync<ClosureResponse>())!.ClosureRequestedAt);
        Assert.Single(await OutboxAsync<CustomerClosureRequested>(CustomerClosureRequested.MessageType), m => m.CustomerId == patient.Id);
        Assert.NotNull((await patient.Client.GetFromJsonAsync<ProfileResponse>("/api/v1/me"))!.ClosureRequestedAt);
    }
}
