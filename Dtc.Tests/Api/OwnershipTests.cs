using System.Net;
using System.Net.Http.Json;
using Dtc.Data.Kits;

namespace Dtc.Tests.Api;

/// <summary>A patient reaches only their own data: another patient's id answers 404 on every id-bearing route.</summary>
public sealed class OwnershipTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task AnotherPatientsIdsAnswer404OnEveryIdBearingRoute()
    {
        var owner = await fixture.Api.SignUpAsync();
        var intruder = await fixture.Api.SignUpAsync();
        var order = Seed.Order(owner.Id);
        var kit = Seed.Kit(owner.Id, order.Id);
        var registration = Seed.Registration(owner.Id, kit.Barcode);
        var report = Seed.Report(owner.Id, kit.Id);
        var notification = Seed.Notification(owner.Id);
        await fixture.Database.SaveAsync(order, kit, registration, report, notification);

        // The id each id-bearing route takes, by the resource its path names.
        var owned = new Dictionary<string, Guid>
        {
            ["api/v1/orders/"] = order.Id,
            ["api/v1/kits/registrations/"] = registration.Id,
            ["api/v1/kits/"] = kit.Id,
            ["api/v1/results/"] = report.Id,
            ["api/v1/notifications/"] = notification.Id,
        };
        var routes = ApiRoutes.All(fixture.Api).Where(r => r.Pattern.Contains("{id", StringComparison.Ordinal)).ToList();
        Assert.True(routes.Count >= 8, $"only {routes.Count} id-bearing routes found");

        foreach (var (method, pattern, _) in routes)
        {
            var id = owned.OrderByDescending(o => o.Key.Length).First(o => pattern.StartsWith(o.Key, StringComparison.Ordinal)).Value;
            var url = ApiRoutes.Url(pattern, id);
            var theirs = await SendAsync(intruder.Client, method, url);
            await ProblemAssert.IsProblemAsync(theirs, HttpStatusCode.NotFound);
            var mine = await SendAsync(owner.Client, method, url);
            Assert.True(mine.IsSuccessStatusCode, $"{method} {url} answered {(int)mine.StatusCode} to its owner");
        }

        // Nothing the intruder tried changed the owner's data.
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.GetAsync($"/api/v1/kits/registrations/{registration.Id}")).StatusCode);
        Assert.Equal(RegistrationStatus.Pending, (await owner.Client.GetFromJsonAsync<Dtc.Api.Kits.KitRegistrationResponse>($"/api/v1/kits/registrations/{registration.Id}"))!.Status);
    }

    static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string url)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method is "POST" or "PUT") request.Content = JsonContent.Create(new { });
        return client.SendAsync(request);
    }

    [Fact]
    public async Task ListsNeverShowAnotherPatientsRows()
    {
        var owner = await fixture.Api.SignUpAsync();
        var other = await fixture.Api.SignUpAsync();
        var order = Seed.Order(owner.Id);
        var kit = Seed.Kit(owner.Id, order.Id);
        await fixture.Database.SaveAsync(order, kit, Seed.Registration(owner.Id, kit.Barcode), Seed.Report(owner.Id, kit.Id), Seed.Notification(owner.Id));

        foreach (var list in new[] { "/api/v1/orders", "/api/v1/kits", "/api/v1/kits/registrations", "/api/v1/results", "/api/v1/notifications" })
        {
            var page = await other.Client.GetFromJsonAsync<System.Text.Json.JsonElement>(list);
            Assert.Equal(0, page.GetProperty("items").GetArrayLength());
            var mine = await owner.Client.GetFromJsonAsync<System.Text.Json.JsonElement>(list);
            Assert.True(mine.GetProperty("items").GetArrayLength() > 0, $"{list} shows its owner nothing");
        }
    }
}
