using System.Net;
using System.Net.Http.Json;
using Dtc.Api.Http;
using Dtc.Api.Notifications;
using Dtc.Data.Notifications;

namespace Dtc.Tests.Api;

public sealed class NotificationsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task TheInboxListsMyInAppNotificationsNewestFirstAndFiltersUnread()
    {
        var patient = await fixture.Api.SignUpAsync();
        var older = Seed.Notification(patient.Id, "Your kit has shipped");
        older.CreatedAt = DateTimeOffset.UtcNow.AddDays(-1);
        var newer = Seed.Notification(patient.Id, "Your result is ready");
        var read = Seed.Notification(patient.Id, "Welcome");
        read.CreatedAt = DateTimeOffset.UtcNow.AddDays(-2);
        read.ReadAt = DateTimeOffset.UtcNow.AddDays(-2);
        var email = Seed.Notification(patient.Id, "Emailed copy");
        email.Channel = NotificationChannel.Email;
        await fixture.Database.SaveAsync(older, newer, read, email);

        var all = (await patient.Client.GetFromJsonAsync<Page<NotificationResponse>>("/api/v1/notifications"))!;
        var unread = (await patient.Client.GetFromJsonAsync<Page<NotificationResponse>>("/api/v1/notifications?unread=true"))!;

        Assert.Equal([newer.Id, older.Id, read.Id], all.Items.Select(n => n.Id));
        Assert.Equal([newer.Id, older.Id], unread.Items.Select(n => n.Id));
    }

    [Fact]
    public async Task MarkingOneOrAllReadKeepsTheFirstReadTime()
    {
        var patient = await fixture.Api.SignUpAsync();
        var one = Seed.Notification(patient.Id);
        var two = Seed.Notification(patient.Id);
        await fixture.Database.SaveAsync(one, two);

        Assert.Equal(HttpStatusCode.NoContent, (await patient.Client.PostAsync($"/api/v1/notifications/{one.Id}/read", null)).StatusCode);
        var firstRead = (await patient.Client.GetFromJsonAsync<Page<NotificationResponse>>("/api/v1/notifications"))!.Items.Single(n => n.Id == one.Id).ReadAt;
        Assert.Equal(HttpStatusCode.NoContent, (await patient.Client.PostAsync("/api/v1/notifications/read-all", null)).StatusCode);

        var items = (await patient.Client.GetFromJsonAsync<Page<NotificationResponse>>("/api/v1/notifications"))!.Items;
        Assert.NotNull(firstRead);
        Assert.Equal(firstRead, items.Single(n => n.Id == one.Id).ReadAt);
        Assert.NotNull(items.Single(n => n.Id == two.Id).ReadAt);
        Assert.Empty((await patient.Client.GetFromJsonAsync<Page<NotificationResponse>>("/api/v1/notifications?unread=true"))!.Items);
        await ProblemAssert.IsProblemAsync(await patient.Client.PostAsync($"/api/v1/notifications/{Guid.NewGuid()}/read", null), HttpStatusCode.NotFound);
    }
}
