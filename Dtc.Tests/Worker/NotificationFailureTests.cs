using Dtc.Cron;
using Dtc.Cron.Running;
using Dtc.Data.Notifications;
using Dtc.Messaging;
using Dtc.Messaging.Contracts;
using Dtc.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dtc.Tests.Worker;

public sealed class NotificationFailureTests
{
    static readonly string parked = Topology.ParkingQueue(Topology.Queues.WorkerDefault);

    [Fact]
    public async Task RejectedRecipientAndRejectedNumberAreMarkedFailedAndTheJobParked()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        await using var smtp = SmtpSink.Start(acceptRecipient: address => !address.StartsWith("patient-", StringComparison.Ordinal));
        await using var sms = await RecordingHttpServer.StartAsync((_, _) =>
            (400, """{"code":21211,"message":"The 'To' number +15551230000 is not a valid phone number.","status":400}"""));
        var customer = await Seed.CustomerAsync(db);
        await using var worker = await WorkerTestKit.StartWorkerAsync(db, broker, smtp, sms);
        await using var ext = await ExternalPublisher.ConnectAsync(broker);
        var key = $"result-ready:{Guid.NewGuid()}";

        await ext.PublishAsync(new NotificationSend(customer.Id, NotificationTemplates.ResultReady, key));

        await Eventually.Until(() => broker.QueueDepthAsync(parked), n => n == 1, "the job parked");
        var rows = await Seed.QueryAsync(db, d => d.Notifications.Where(n => n.DedupeKey == key).ToListAsync());
        var email = rows.Single(r => r.Channel == NotificationChannel.Email);
        var text = rows.Single(r => r.Channel == NotificationChannel.Sms);
        Assert.Equal(DeliveryStatus.Failed, email.Status);
        Assert.Contains("550", email.Error);
        Assert.Equal(DeliveryStatus.Failed, text.Status);
        Assert.Contains("21211", text.Error);
        // Not retried: a rejection never succeeds.
        Assert.Single(sms.Requests);
        Assert.Equal(DeliveryStatus.Sent, rows.Single(r => r.Channel == NotificationChannel.InApp).Status);
    }

    [Fact]
    public async Task TransientProviderErrorIsRetriedAndSentOnce()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        await using var sms = await RecordingHttpServer.StartAsync((request, n) =>
            n == 1 ? (503, """{"code":20500,"message":"Service unavailable"}""") : WorkerTestKit.TwilioCreated(request, n));
        var customer = await Seed.CustomerAsync(db, c => c.Preferences.ResultsByEmail = false);
        await using var worker = await WorkerTestKit.StartWorkerAsync(db, broker, sms: sms);
        await using var ext = await ExternalPublisher.ConnectAsync(broker);
        var key = $"result-ready:{Guid.NewGuid()}";

        await ext.PublishAsync(new NotificationSend(customer.Id, NotificationTemplates.ResultReady, key));

        var row = await Eventually.Until(
            () => Seed.QueryAsync(db, d => d.Notifications.SingleOrDefaultAsync(n => n.DedupeKey == key && n.Channel == NotificationChannel.Sms)),
            n => n?.Status == DeliveryStatus.Sent, "the SMS sent after a retry");
        Assert.Equal(2, row!.Attempts);
        Assert.Equal(2, sms.Requests.Count);
        Assert.Equal(0, await broker.QueueDepthAsync(parked));
    }

    [Fact]
    public async Task SmsInQuietHoursIsDeferredThenSentByTheCronInTheMorning()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        await using var smtp = SmtpSink.Start();
        await using var sms = await RecordingHttpServer.StartAsync(WorkerTestKit.TwilioCreated);
        var customer = await Seed.CustomerAsync(db, c =>
        {
            c.TimeZone = "Europe/Berlin";
            (c.Preferences.QuietHoursStart, c.Preferences.QuietHoursEnd) = (21, 8);
        });
        // 23:30 in Berlin (UTC+1 in January).
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 14, 22, 30, 0, TimeSpan.Zero));
        await using var worker = await WorkerTestKit.StartWorkerAsync(db, broker, smtp, sms, clock: clock, also: b => b.AddCronTasks());
        await using var ext = await ExternalPublisher.ConnectAsync(broker);
        var key = $"result-ready:{Guid.NewGuid()}";

        await ext.PublishAsync(new NotificationSend(customer.Id, NotificationTemplates.ResultReady, key));

        var deferred = await Eventually.Until(
            () => Seed.QueryAsync(db, d => d.Notifications.SingleOrDefaultAsync(n => n.DedupeKey == key && n.Channel == NotificationChannel.Sms)),
            n => n?.NotBefore is not null, "the SMS deferred");
        Assert.Equal(DeliveryStatus.Queued, deferred!.Status);
        Assert.Equal(new DateTimeOffset(2026, 1, 15, 7, 0, 0, TimeSpan.Zero), deferred.NotBefore);
        Assert.Single(smtp.Messages); // email has no quiet hours
        Assert.Empty(sms.Requests);

        var runner = worker.Services.GetRequiredService<CronRunner>();
        var night = await runner.RunSlotAsync(clock.GetUtcNow(), CancellationToken.None);
        Assert.Equal(0, night.Tasks.Single(t => t.Task == "deferred-notifications").Counts["requeued"]);

        clock.SetUtcNow(new DateTimeOffset(2026, 1, 15, 7, 1, 0, TimeSpan.Zero));
        var morning = await runner.RunSlotAsync(clock.GetUtcNow(), CancellationToken.None);
        Assert.Equal(1, morning.Tasks.Single(t => t.Task == "deferred-notifications").Counts["requeued"]);

        var request = (await Eventually.Until(() => Task.FromResult(sms.Requests), r => r.Count > 0, "the SMS in the morning")).Single();
        Assert.Equal(customer.Phone, request.Form["To"]);
        await Eventually.Until(
            () => Seed.QueryAsync(db, d => d.Notifications.SingleAsync(n => n.DedupeKey == key && n.Channel == NotificationChannel.Sms)),
            n => n.Status == DeliveryStatus.Sent, "the SMS recorded as sent");
        Assert.Single(smtp.Messages);
    }

    [Fact]
    public async Task UnknownTemplateIsParkedWithoutSendingAnything()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        await using var smtp = SmtpSink.Start();
        var customer = await Seed.CustomerAsync(db);
        await using var worker = await WorkerTestKit.StartWorkerAsync(db, broker, smtp);
        await using var ext = await ExternalPublisher.ConnectAsync(broker);

        await ext.PublishAsync(new NotificationSend(customer.Id, "your-hba1c-is-7.9", $"x:{Guid.NewGuid()}"));

        await Eventually.Until(() => broker.QueueDepthAsync(parked), n => n == 1, "the job parked");
        Assert.Empty(smtp.Messages);
        Assert.Equal(0, await db.ScalarAsync<long>("select count(*) from notifications"));
    }

    [Fact]
    public async Task AccountEmailCarriesItsLinkAndIsSentOnce()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        await using var smtp = SmtpSink.Start();
        await using var worker = await WorkerTestKit.StartWorkerAsync(db, broker, smtp);
        await using var ext = await ExternalPublisher.ConnectAsync(broker);
        var link = $"https://app.dtc.test/confirm?token={Guid.NewGuid():N}";
        var job = new AccountEmailSend("new.patient@example.test", NotificationTemplates.ConfirmEmail, $"confirm:{Guid.NewGuid()}",
            new Dictionary<string, string> { ["link"] = link });

        await ext.PublishAsync(job);
        await ext.PublishAsync(job);

        await Eventually.Until(() => WorkerTestKit.InboxCountAsync(db), n => n == 2, "both jobs handled");
        var mail = Assert.Single(smtp.Messages);
        Assert.Equal("new.patient@example.test", mail.To.Mailboxes.Single().Address);
        Assert.Equal("Confirm your email address", mail.Subject);
        Assert.Contains(link, mail.TextBody);
        Assert.Equal(DeliveryStatus.Sent, await db.ScalarAsync<string>($"select status from account_emails where dedupe_key = '{job.DedupeKey}'"));
    }
}
