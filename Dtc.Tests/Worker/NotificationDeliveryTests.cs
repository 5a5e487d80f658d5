using Dtc.Data.Notifications;
using Dtc.Messaging;
using Dtc.Messaging.Contracts;
using Dtc.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Dtc.Tests.Worker;

public sealed class NotificationDeliveryTests
{
    static NotificationSend ResultReady(Guid customerId, string key) =>
        new(customerId, NotificationTemplates.ResultReady, key, new Dictionary<string, string> { ["reportId"] = Guid.NewGuid().ToString() });

    [Fact]
    public async Task ResultReadyEmailArrivesWithItsHeadersAndNoPhi()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        await using var smtp = SmtpSink.Start();
        await using var sms = await RecordingHttpServer.StartAsync(WorkerTestKit.TwilioCreated);
        var customer = await Seed.CustomerAsync(db, c => c.Preferences.ResultsBySms = false);
        await using var worker = await WorkerTestKit.StartWorkerAsync(db, broker, smtp, sms);
        await using var ext = await ExternalPublisher.ConnectAsync(broker);

        await ext.PublishAsync(ResultReady(customer.Id, $"result-ready:{Guid.NewGuid()}"));

        var mail = (await Eventually.Until(() => Task.FromResult(smtp.Messages.ToList()), m => m.Count > 0, "the email")).Single();
        Assert.Equal(WorkerTestKit.MailFrom, mail.From.Mailboxes.Single().Address);
        Assert.Equal(customer.Email, mail.To.Mailboxes.Single().Address);
        Assert.Equal("Your results are ready", mail.Subject);
        Assert.Equal("auto-generated", mail.Headers["Auto-Submitted"]);
        Assert.EndsWith("@dtc.test", mail.MessageId);
        Assert.Contains("https://app.dtc.test/results", mail.TextBody);
        var everything = mail.ToString();
        foreach (var phi in new[] { customer.GivenName, customer.FamilyName, customer.PatientNumber, "1983", "A1C", "Hemoglobin", customer.Phone! })
        {
            Assert.DoesNotContain(phi, everything, StringComparison.OrdinalIgnoreCase);
        }

        var rows = await Eventually.Until(() => Seed.QueryAsync(db, d => d.Notifications.Where(n => n.CustomerId == customer.Id).ToListAsync()),
            r => r.Any(n => n.Channel == NotificationChannel.Email && n.Status == DeliveryStatus.Sent), "the email recorded as sent");
        var email = rows.Single(n => n.Channel == NotificationChannel.Email);
        Assert.Equal(mail.MessageId, email.ProviderReference);
        var inApp = rows.Single(n => n.Channel == NotificationChannel.InApp);
        Assert.Equal(DeliveryStatus.Sent, inApp.Status);
        Assert.StartsWith("/results/", inApp.Link);
        Assert.Equal("sms-not-wanted", rows.Single(n => n.Channel == NotificationChannel.Sms).Error);
        Assert.Empty(sms.Requests);
    }

    [Fact]
    public async Task SmsIsPostedToTheProviderAsItsMessagesApiExpects()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        await using var sms = await RecordingHttpServer.StartAsync(WorkerTestKit.TwilioCreated);
        var customer = await Seed.CustomerAsync(db, c => c.Preferences.ResultsByEmail = false);
        await using var worker = await WorkerTestKit.StartWorkerAsync(db, broker, sms: sms);
        await using var ext = await ExternalPublisher.ConnectAsync(broker);

        await ext.PublishAsync(ResultReady(customer.Id, $"result-ready:{Guid.NewGuid()}"));

        var request = (await Eventually.Until(() => Task.FromResult(sms.Requests), r => r.Count > 0, "the SMS request")).Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/2010-04-01/Accounts/{WorkerTestKit.AccountSid}/Messages.json", request.Path);
        var basic = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{WorkerTestKit.AccountSid}:{WorkerTestKit.AuthToken}"));
        Assert.Equal($"Basic {basic}", request.Headers["Authorization"]);
        Assert.StartsWith("application/x-www-form-urlencoded", request.Headers["Content-Type"]);
        Assert.Equal(customer.Phone, request.Form["To"]);
        Assert.Equal(WorkerTestKit.SmsFrom, request.Form["From"]);
        Assert.Equal("Dtc: your test results are ready. Open the app to see more.", request.Form["Body"]);

        var row = await Eventually.Until(
            () => Seed.QueryAsync(db, d => d.Notifications.SingleOrDefaultAsync(n => n.CustomerId == customer.Id && n.Channel == NotificationChannel.Sms)),
            n => n?.Status == DeliveryStatus.Sent, "the SMS recorded as sent");
        Assert.Equal($"SM{1:D32}", row!.ProviderReference);
    }

    [Fact]
    public async Task RepeatedAndRedeliveredJobsSendOnce()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        await using var smtp = SmtpSink.Start();
        await using var sms = await RecordingHttpServer.StartAsync(WorkerTestKit.TwilioCreated);
        var customer = await Seed.CustomerAsync(db);
        await using var worker = await WorkerTestKit.StartWorkerAsync(db, broker, smtp, sms);
        await using var ext = await ExternalPublisher.ConnectAsync(broker);
        var job = ResultReady(customer.Id, $"result-ready:{Guid.NewGuid()}");

        var first = await ext.PublishAsync(job);
        await ext.PublishAsync(job, first);   // the broker's redelivery of the same message
        await ext.PublishAsync(job);          // the same job published again (another message id)

        await Eventually.Until(() => WorkerTestKit.InboxCountAsync(db), n => n == 2, "both distinct jobs handled");
        Assert.Single(smtp.Messages);
        Assert.Single(sms.Requests);
        var rows = await Seed.QueryAsync(db, d => d.Notifications.Where(n => n.DedupeKey == job.DedupeKey).ToListAsync());
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(DeliveryStatus.Sent, r.Status));
        Assert.All(rows.Where(r => r.Channel != NotificationChannel.InApp), r => Assert.Equal(1, r.Attempts));
    }

    [Fact]
    public async Task SendInterruptedByACrashIsNotRepeated()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        await using var smtp = SmtpSink.Start();
        var customer = await Seed.CustomerAsync(db, c => c.Preferences.ResultsBySms = false);
        var key = $"result-ready:{Guid.NewGuid()}";
        // What a worker that died between its claim and its "sent" leaves behind.
        await using (var seed = db.CreateContext())
        {
            seed.Notifications.Add(new Notification
            {
                Id = Guid.CreateVersion7(), CustomerId = customer.Id, Channel = NotificationChannel.Email, Template = NotificationTemplates.ResultReady,
                Title = "Your results are ready", DedupeKey = key, Status = DeliveryStatus.Sending, Attempts = 1,
                CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-20), ClaimedAt = DateTimeOffset.UtcNow.AddMinutes(-20),
            });
            await seed.SaveChangesAsync();
        }
        await using var worker = await WorkerTestKit.StartWorkerAsync(db, broker, smtp);
        await using var ext = await ExternalPublisher.ConnectAsync(broker);

        await ext.PublishAsync(ResultReady(customer.Id, key));

        await Eventually.Until(() => WorkerTestKit.InboxCountAsync(db), n => n == 1, "the job handled");
        Assert.Empty(smtp.Messages);
        var email = await Seed.QueryAsync(db, d => d.Notifications.SingleAsync(n => n.DedupeKey == key && n.Channel == NotificationChannel.Email));
        Assert.Equal(DeliveryStatus.Failed, email.Status);
        Assert.StartsWith("Interrupted while sending", email.Error);
    }

    [Fact]
    public async Task JobLeftQueuedBeforeItsSendIsSentOnItsRedelivery()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        await using var smtp = SmtpSink.Start();
        var customer = await Seed.CustomerAsync(db, c => c.Preferences.ResultsBySms = false);
        var key = $"result-ready:{Guid.NewGuid()}";
        // What a worker that died after recording the delivery, before claiming it, leaves behind.
        await using (var seed = db.CreateContext())
        {
            seed.Notifications.Add(new Notification
            {
                Id = Guid.CreateVersion7(), CustomerId = customer.Id, Channel = NotificationChannel.Email, Template = NotificationTemplates.ResultReady,
                Title = "Your results are ready", Body = "Your test results are ready. Open the app to read them.", Link = "/results",
                DedupeKey = key, Status = DeliveryStatus.Queued, CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            });
            await seed.SaveChangesAsync();
        }
        await using var worker = await WorkerTestKit.StartWorkerAsync(db, broker, smtp);
        await using var ext = await ExternalPublisher.ConnectAsync(broker);

        await ext.PublishAsync(ResultReady(customer.Id, key));

        await Eventually.Until(() => Task.FromResult(smtp.Messages.Count), n => n == 1, "the email");
        var email = await Eventually.Until(
            () => Seed.QueryAsync(db, d => d.Notifications.SingleAsync(n => n.DedupeKey == key && n.Channel == NotificationChannel.Email)),
            n => n.Status == DeliveryStatus.Sent, "the email recorded as sent");
        Assert.Equal(1, email.Attempts);
    }

    [Fact]
    public async Task PreferencesAndAnUnverifiedAddressKeepEmailAndSmsBack()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        await using var smtp = SmtpSink.Start();
        await using var sms = await RecordingHttpServer.StartAsync(WorkerTestKit.TwilioCreated);
        var unverified = await Seed.CustomerAsync(db, c => c.EmailVerified = false);
        var optedOut = await Seed.CustomerAsync(db, c => (c.Preferences.ResultsByEmail, c.Preferences.ResultsBySms) = (false, false));
        await using var worker = await WorkerTestKit.StartWorkerAsync(db, broker, smtp, sms);
        await using var ext = await ExternalPublisher.ConnectAsync(broker);

        await ext.PublishAsync(ResultReady(unverified.Id, $"result-ready:{Guid.NewGuid()}"));
        await ext.PublishAsync(ResultReady(optedOut.Id, $"result-ready:{Guid.NewGuid()}"));
        await ext.PublishAsync(new NotificationSend(optedOut.Id, NotificationTemplates.ProductNews, $"news:{Guid.NewGuid()}"));

        await Eventually.Until(() => WorkerTestKit.InboxCountAsync(db), n => n == 3, "the jobs handled");
        Assert.Empty(smtp.Messages);
        var rows = await Seed.QueryAsync(db, d => d.Notifications.ToListAsync());
        string? Error(Guid customer, string template, string channel) =>
            rows.SingleOrDefault(r => r.CustomerId == customer && r.Template == template && r.Channel == channel)?.Error;
        Assert.Equal("email-unverified", Error(unverified.Id, NotificationTemplates.ResultReady, NotificationChannel.Email));
        Assert.Equal("email-not-wanted", Error(optedOut.Id, NotificationTemplates.ResultReady, NotificationChannel.Email));
        Assert.Equal("sms-not-wanted", Error(optedOut.Id, NotificationTemplates.ResultReady, NotificationChannel.Sms));
        Assert.Equal("no-marketing-consent", Error(optedOut.Id, NotificationTemplates.ProductNews, NotificationChannel.Email));
        Assert.DoesNotContain(rows, r => r.Template == NotificationTemplates.ProductNews && r.Channel == NotificationChannel.InApp);
        // The unverified customer still gets the in-app notice and the SMS they asked for.
        Assert.Single(sms.Requests);
        Assert.Equal(2, rows.Count(r => r.Channel == NotificationChannel.InApp));
    }

    [Fact]
    public async Task DeferredSmsIsDroppedWhenTheCustomerTurnedSmsOffOvernight()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        await using var sms = await RecordingHttpServer.StartAsync(WorkerTestKit.TwilioCreated);
        var customer = await Seed.CustomerAsync(db, c => (c.Preferences.ResultsByEmail, c.Preferences.ResultsBySms) = (false, false));
        var key = $"result-ready:{Guid.NewGuid()}";
        // Deferred last night, when SMS was still wanted.
        await using (var seed = db.CreateContext())
        {
            seed.Notifications.Add(new Notification
            {
                Id = Guid.CreateVersion7(), CustomerId = customer.Id, Channel = NotificationChannel.Sms, Template = NotificationTemplates.ResultReady,
                Title = "Your results are ready", Body = "Dtc: your test results are ready.", DedupeKey = key, Status = DeliveryStatus.Queued,
                CreatedAt = DateTimeOffset.UtcNow.AddHours(-9), NotBefore = DateTimeOffset.UtcNow.AddMinutes(-1),
            });
            await seed.SaveChangesAsync();
        }
        await using var worker = await WorkerTestKit.StartWorkerAsync(db, broker, sms: sms);
        await using var ext = await ExternalPublisher.ConnectAsync(broker);

        await ext.PublishAsync(new NotificationSend(customer.Id, NotificationTemplates.ResultReady, key));

        await Eventually.Until(() => WorkerTestKit.InboxCountAsync(db), n => n == 1, "the job handled");
        var row = await Seed.QueryAsync(db, d => d.Notifications.SingleAsync(n => n.DedupeKey == key && n.Channel == NotificationChannel.Sms));
        Assert.Equal(DeliveryStatus.Skipped, row.Status);
        Assert.Equal("sms-not-wanted", row.Error);
        Assert.Empty(sms.Requests);
    }
}
