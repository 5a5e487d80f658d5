using System.Text.Json;
using Dtc.Cron.Tasks;
using Dtc.Data.Accounts;
using Dtc.Data.Kits;
using Dtc.Data.Notifications;
using Dtc.Data.Orders;
using Dtc.Messaging;
using Dtc.Messaging.Contracts;
using Dtc.Messaging.Outbox;
using Dtc.Tests.Infrastructure;
using Dtc.Tests.Worker;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.Cron;

public sealed class CronTaskTests
{
    [Fact]
    public async Task SessionCleanupDeletesExpiredTokensAndTimesOutStaleRegistrations()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        var clock = CronTestKit.Clock();
        var now = clock.GetUtcNow();
        var customer = await Seed.CustomerAsync(db);
        RefreshToken Token(DateTimeOffset expires) => new()
        {
            Id = Guid.NewGuid(), UserId = customer.Id, TokenHash = Guid.NewGuid().ToString("N"), FamilyId = Guid.NewGuid(),
            CreatedAt = expires.AddDays(-14), ExpiresAt = expires,
        };
        KitRegistration Registration(DateTimeOffset requested) => new()
        {
            Id = Guid.NewGuid(), CustomerId = customer.Id, Barcode = "12345678903", CollectedAt = requested, RequestedAt = requested, ConsentToTesting = true,
        };
        var (expired, live) = (Token(now.AddMinutes(-1)), Token(now.AddDays(3)));
        var (stale, fresh) = (Registration(now.AddHours(-25)), Registration(now.AddHours(-1)));
        await using (var seed = db.CreateContext())
        {
            seed.RefreshTokens.AddRange(expired, live);
            seed.KitRegistrations.AddRange(stale, fresh);
            await seed.SaveChangesAsync();
        }
        await using var cron = await CronTestKit.StartAsync(db, broker, clock);

        var run = await CronTestKit.RunAsync(cron, clock);

        Assert.Equal(1, run.Count(SessionCleanupTask.Name, "refreshTokensDeleted"));
        Assert.Equal(1, run.Count(SessionCleanupTask.Name, "registrationsTimedOut"));
        var tokens = await Seed.QueryAsync(db, d => d.RefreshTokens.Select(t => t.Id).ToListAsync());
        Assert.Equal([live.Id], tokens);
        var registrations = await Seed.QueryAsync(db, d => d.KitRegistrations.ToDictionaryAsync(r => r.Id));
        Assert.Equal(RegistrationStatus.Rejected, registrations[stale.Id].Status);
        Assert.Equal(SessionCleanupTask.TimedOut, registrations[stale.Id].ReasonCode);
        Assert.Equal(RegistrationStatus.Pending, registrations[fresh.Id].Status);
    }

    [Fact]
    public async Task OutboxSweepReleasesRowsOfADeadRelayAndTheyArePublished()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        // The cron's clock runs two hours ahead: the dead relay's lease is over for the sweep, not yet
        // for the relays (real time), so only the sweep can make the row publishable now.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(2));
        Guid stuck;
        await using (var seed = db.CreateContext())
        {
            stuck = seed.Publish(new NotificationSend(Guid.NewGuid(), NotificationTemplates.ResultReady, "sweep-test"));
            var row = seed.Outbox.Local.Single();
            (row.LockedBy, row.LockedUntil) = ("relay-that-died", DateTimeOffset.UtcNow.AddHours(1));
            await seed.SaveChangesAsync();
        }
        await using (var cron = await CronTestKit.StartAsync(db, broker, clock, runRelay: false))
        {
            var run = await CronTestKit.RunAsync(cron, clock);
            Assert.Equal(1, run.Count(OutboxSweepTask.Name, "released"));
        }
        await using var service = await ServiceHost.StartAsync(db, broker);

        await Eventually.Until(() => db.ScalarAsync<long>($"select count(*) from outbox where message_id = '{stuck}' and published_at is not null"),
            n => n == 1, "the released row published");
        await Eventually.Until(() => broker.QueueDepthAsync(Topology.Queues.WorkerDefault), n => n == 1, "the job in wrk.default");
    }

    [Fact]
    public async Task KitExpiryExpiresOnlyUnregisteredKitsPastTheirDate()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        var clock = CronTestKit.Clock();
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var customer = await Seed.CustomerAsync(db);
        var order = await Seed.OrderAsync(db, customer.Id);
        var shipped = await Seed.KitAsync(db, order.Id, k => k.ExpiresOn = today.AddDays(-1));
        var pending = await Seed.KitAsync(db, order.Id, k => (k.Status, k.ExpiresOn) = (KitStatus.RegistrationPending, today.AddDays(-3)));
        var registered = await Seed.KitAsync(db, order.Id, k => (k.Status, k.CustomerId, k.ExpiresOn) = (KitStatus.Registered, customer.Id, today.AddDays(-1)));
        var lastDay = await Seed.KitAsync(db, order.Id, k => k.ExpiresOn = today);
        await using var cron = await CronTestKit.StartAsync(db, broker, clock);

        var run = await CronTestKit.RunAsync(cron, clock);

        Assert.Equal(2, run.Count(KitExpiryTask.Name, "expired"));
        var status = await Seed.QueryAsync(db, d => d.Kits.ToDictionaryAsync(k => k.Id, k => k.Status));
        Assert.Equal(KitStatus.Expired, status[shipped.Id]);
        Assert.Equal(KitStatus.Expired, status[pending.Id]);
        Assert.Equal(KitStatus.Registered, status[registered.Id]);
        Assert.Equal(KitStatus.Shipped, status[lastDay.Id]);
    }

    [Fact]
    public async Task RemindersAreEnqueuedOncePerKit()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        var clock = CronTestKit.Clock();
        var now = clock.GetUtcNow();
        var customer = await Seed.CustomerAsync(db);
        var order = await Seed.OrderAsync(db, customer.Id);
        var forgotten = await Seed.KitAsync(db, order.Id, k => k.ShippedAt = now.AddDays(-8));
        await Seed.KitAsync(db, order.Id, k => k.ShippedAt = now.AddDays(-2));
        await Seed.KitAsync(db, order.Id, k => (k.ShippedAt, k.ExpiresOn) = (now.AddDays(-40), DateOnly.FromDateTime(now.UtcDateTime).AddDays(-1)));
        // A1C turns around in 4 days: received 5 days ago is late, 2 days ago is not.
        var late = await Seed.KitAsync(db, order.Id, k =>
            (k.Status, k.CustomerId, k.RegisteredAt, k.ReceivedAt) = (KitStatus.Received, customer.Id, now.AddDays(-9), now.AddDays(-5)));
        await Seed.KitAsync(db, order.Id, k =>
            (k.Status, k.CustomerId, k.RegisteredAt, k.ReceivedAt) = (KitStatus.Received, customer.Id, now.AddDays(-4), now.AddDays(-2)));
        await using var cron = await CronTestKit.StartAsync(db, broker, clock);

        var first = await CronTestKit.RunAsync(cron, clock);
        clock.Advance(TimeSpan.FromMinutes(1));
        var second = await CronTestKit.RunAsync(cron, clock);

        Assert.Equal(1, first.Count(RemindersTask.Name, "registrationReminders"));
        Assert.Equal(1, first.Count(RemindersTask.Name, "resultsOverdue"));
        Assert.Equal(0, second.Count(RemindersTask.Name, "registrationReminders"));
        Assert.Equal(0, second.Count(RemindersTask.Name, "resultsOverdue"));
        var jobs = await Seed.QueryAsync(db, d => d.Outbox.Where(m => m.Type == NotificationSend.MessageType).ToListAsync());
        var sent = jobs.Select(m => JsonSerializer.Deserialize<NotificationSend>(m.Body, JsonSerializerOptions.Web)!).ToList();
        Assert.Equal(2, sent.Count);
        Assert.Contains(sent, j => j.DedupeKey == $"kit-registration-reminder:{forgotten.Id}" && j.CustomerId == customer.Id
            && j.Template == NotificationTemplates.KitRegistrationReminder);
        Assert.Contains(sent, j => j.DedupeKey == $"results-delayed:{late.Id}" && j.Template == NotificationTemplates.ResultsDelayed);
        Assert.NotNull((await Seed.QueryAsync(db, d => d.Kits.SingleAsync(k => k.Id == forgotten.Id))).ReminderSentAt);
    }

    [Fact]
    public async Task HealthSnapshotRecordsQueuesAndBacklogs()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        var clock = CronTestKit.Clock();
        await using (var seed = db.CreateContext())
        {
            // Held by a live relay's lease: unpublished for the snapshot's whole life.
            seed.Publish(new SyncOrderToFulfilment(Guid.NewGuid()));
            (seed.Outbox.Local.Single().LockedBy, seed.Outbox.Local.Single().LockedUntil) = ("busy-relay", DateTimeOffset.UtcNow.AddHours(1));
            await seed.SaveChangesAsync();
        }
        await using var cron = await CronTestKit.StartAsync(db, broker, clock);
        await using (var ext = await ExternalPublisher.ConnectAsync(broker))
        {
            for (var i = 0; i < 3; i++) await ext.PublishAsync(new SyncOrderToFulfilment(Guid.NewGuid()));
        }

        var run = await CronTestKit.RunAsync(cron, clock);

        Assert.Equal(3, run.Count(HealthSnapshotTask.Name, "workerBacklog"));
        var snapshot = await Seed.QueryAsync(db, d => d.HealthSnapshots.SingleAsync());
        Assert.Equal(clock.GetUtcNow(), snapshot.TakenAt);
        Assert.True(snapshot.DatabaseHealthy);
        Assert.True(snapshot.BrokerHealthy);
        Assert.Equal(1, snapshot.OutboxBacklog);
        Assert.Equal(3, snapshot.WorkerBacklog);
        using var queues = JsonDocument.Parse(snapshot.Queues);
        Assert.Equal(3, queues.RootElement.GetProperty(Topology.Queues.WorkerDefault).GetProperty("messages").GetInt64());
        Assert.Equal(0, queues.RootElement.GetProperty(Topology.Queues.WorkerDefault).GetProperty("consumers").GetInt64());
        Assert.True(queues.RootElement.TryGetProperty(Topology.ParkingQueue(Topology.Queues.LisTestResult), out _));
    }

    [Fact]
    public async Task OrdersNotSynchronisedInTimeAreEnqueuedAgainOncePerGracePeriod()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        var clock = CronTestKit.Clock();
        var now = clock.GetUtcNow();
        var customer = await Seed.CustomerAsync(db);
        var unsynced = await Seed.OrderAsync(db, customer.Id, o => o.CreatedAt = now.AddMinutes(-15));
        await Seed.OrderAsync(db, customer.Id, o => (o.CreatedAt, o.FulfilmentReference, o.FulfilmentSyncedAt) = (now.AddMinutes(-15), "FUL-1", now.AddMinutes(-14)));
        var young = await Seed.OrderAsync(db, customer.Id, o => o.CreatedAt = now.AddMinutes(-2));
        await Seed.OrderAsync(db, customer.Id, o => (o.CreatedAt, o.Status) = (now.AddMinutes(-15), OrderStatus.Cancelled));
        await Seed.OrderAsync(db, customer.Id, o => o.CreatedAt = now.AddDays(-2));
        await using var cron = await CronTestKit.StartAsync(db, broker, clock);

        var first = await CronTestKit.RunAsync(cron, clock);
        clock.Advance(TimeSpan.FromMinutes(1));
        var next = await CronTestKit.RunAsync(cron, clock);
        clock.Advance(TimeSpan.FromMinutes(10));
        var later = await CronTestKit.RunAsync(cron, clock);

        var task = FulfilmentReconciliationTask.Name;
        Assert.Equal(1, first.Count(task, "requeued"));
        Assert.Equal(1, first.Count(task, "givenUp"));
        Assert.Equal(0, next.Count(task, "requeued"));
        Assert.Equal(2, later.Count(task, "requeued")); // the first again, and the young one now past its grace
        var jobs = await Seed.QueryAsync(db, d => d.Outbox.Where(m => m.Type == SyncOrderToFulfilment.MessageType).ToListAsync());
        var orders = jobs.Select(m => JsonSerializer.Deserialize<SyncOrderToFulfilment>(m.Body, JsonSerializerOptions.Web)!.OrderId).Order().ToList();
        Assert.Equal(new[] { unsynced.Id, unsynced.Id, young.Id }.Order(), orders);
    }

    [Fact]
    public async Task SendLeftClaimedByACrashedWorkerIsSettledAsFailedNotResent()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        var clock = CronTestKit.Clock();
        var now = clock.GetUtcNow();
        var customer = await Seed.CustomerAsync(db);
        Notification Claimed(DateTimeOffset at) => new()
        {
            Id = Guid.CreateVersion7(), CustomerId = customer.Id, Channel = NotificationChannel.Email, Template = NotificationTemplates.ResultReady,
            Title = "Your results are ready", DedupeKey = $"result-ready:{Guid.NewGuid()}", Status = DeliveryStatus.Sending, Attempts = 1,
            CreatedAt = at, ClaimedAt = at,
        };
        var (crashed, sending) = (Claimed(now.AddMinutes(-6)), Claimed(now.AddSeconds(-10)));
        await using (var seed = db.CreateContext())
        {
            seed.Notifications.AddRange(crashed, sending);
            await seed.SaveChangesAsync();
        }
        await using var cron = await CronTestKit.StartAsync(db, broker, clock);

        var run = await CronTestKit.RunAsync(cron, clock);

        Assert.Equal(1, run.Count(DeferredNotificationsTask.Name, "interrupted"));
        var rows = await Seed.QueryAsync(db, d => d.Notifications.ToDictionaryAsync(n => n.Id));
        Assert.Equal(DeliveryStatus.Failed, rows[crashed.Id].Status);
        Assert.StartsWith("Interrupted while sending", rows[crashed.Id].Error);
        Assert.Equal(DeliveryStatus.Sending, rows[sending.Id].Status);
        Assert.Equal(0, await db.ScalarAsync<long>("select count(*) from outbox"));
    }
}
