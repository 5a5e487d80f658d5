using Dtc.Cron;
using Dtc.Cron.Running;
using Dtc.Cron.Tasks;
using Dtc.Data.Kits;
using Dtc.Tests.Infrastructure;
using Dtc.Tests.Worker;
using Dtc.Data;
using Dtc.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dtc.Tests.Cron;

public sealed class CronRunnerTests
{
    const int TaskCount = 7;

    [Fact]
    public async Task TwoCopiesStartedOnTheSameMinuteRunEachTaskOnce()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        var clock = CronTestKit.Clock();
        var customer = await Seed.CustomerAsync(db);
        var order = await Seed.OrderAsync(db, customer.Id);
        var kit = await Seed.KitAsync(db, order.Id, k => k.ShippedAt = clock.GetUtcNow().AddDays(-10));
        await using var first = await CronTestKit.StartAsync(db, broker, clock);
        await using var second = await CronTestKit.StartAsync(db, broker, clock);

        var runs = await Task.WhenAll(CronTestKit.RunAsync(first, clock), CronTestKit.RunAsync(second, clock));
        var again = await CronTestKit.RunAsync(second, clock);

        Assert.Equal(TaskCount, runs.Sum(r => r.Tasks.Count));
        Assert.Empty(again.Tasks);
        var rows = await Seed.QueryAsync(db, d => d.CronRuns.ToListAsync());
        Assert.Equal(TaskCount, rows.Count);
        Assert.Equal(TaskCount, rows.Select(r => r.Task).Distinct().Count());
        Assert.All(rows, r =>
        {
            Assert.Equal(new DateTimeOffset(2026, 3, 11, 9, 0, 0, TimeSpan.Zero), r.Slot);
            Assert.Equal(CronRunner.Succeeded, r.Outcome);
            Assert.NotNull(r.FinishedAt);
            Assert.NotEqual("{}", r.Counts);
        });
        Assert.Equal(1, await db.ScalarAsync<long>(
            $"select count(*) from outbox where convert_from(body, 'UTF8') like '%kit-registration-reminder:{kit.Id}%'"));
    }

    [Fact]
    public async Task FailingTaskIsRecordedAndDoesNotStopTheOthers()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        var clock = CronTestKit.Clock();
        var customer = await Seed.CustomerAsync(db);
        var order = await Seed.OrderAsync(db, customer.Id);
        var kit = await Seed.KitAsync(db, order.Id, k => k.ExpiresOn = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-1));
        await using var cron = await CronTestKit.StartAsync(db, broker, clock, b => b.Services.AddCronTask<AlwaysFails>());

        var run = await CronTestKit.RunAsync(cron, clock);

        Assert.True(run.Failed);
        Assert.Equal(TaskCount + 1, run.Tasks.Count);
        Assert.Equal(CronRunner.Failed, run.Tasks[0].Outcome);
        Assert.All(run.Tasks.Skip(1), t => Assert.Equal(CronRunner.Succeeded, t.Outcome));
        var failed = await Seed.QueryAsync(db, d => d.CronRuns.SingleAsync(r => r.Task == AlwaysFails.Name));
        Assert.Equal(CronRunner.Failed, failed.Outcome);
        Assert.Contains("the partner is down", failed.Error);
        Assert.Equal(KitStatus.Expired, (await Seed.QueryAsync(db, d => d.Kits.SingleAsync(k => k.Id == kit.Id))).Status);
    }

    [Fact]
    public async Task LongRunningModeFiresOnTheMinute()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        var clock = CronTestKit.Clock();
        await using var cron = await CronTestKit.StartAsync(db, broker, clock, b => b.Services.AddHostedService<CronScheduler>());

        var rows = await Eventually.Until(async () =>
        {
            clock.Advance(TimeSpan.FromSeconds(15));
            return await Seed.QueryAsync(db, d => d.CronRuns.Where(r => r.FinishedAt != null).ToListAsync());
        }, r => r.Count >= TaskCount, "a scheduled run");

        Assert.All(rows, r => Assert.Equal(0, r.Slot.Second));
        Assert.All(rows, r => Assert.True(r.Slot > new DateTimeOffset(2026, 3, 11, 9, 0, 20, TimeSpan.Zero)));
    }

    [Fact]
    public async Task OnceModeExitsNonZeroWhenATaskFailedAndZeroForTheSlotsTwin()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();

        var failing = await OnceAsync(db, broker, b => b.Services.AddCronTask<AlwaysFails>());
        var twin = await OnceAsync(db, broker, _ => { });

        Assert.Equal(1, failing);
        Assert.Equal(0, twin);
        Assert.Equal(CronRunner.Failed, (await Seed.QueryAsync(db, d => d.CronRuns.SingleAsync(r => r.Task == AlwaysFails.Name))).Outcome);
    }

    /// <summary>What Program.cs does with --once, on a test database and virtual host.</summary>
    static async Task<int> OnceAsync(TestDatabase db, TestBroker broker, Action<WebApplicationBuilder> configure)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:dtc"] = db.ConnectionString,
            ["ConnectionStrings:rabbitmq"] = broker.ConnectionString,
            ["urls"] = "http://127.0.0.1:0",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddDtcDatabase();
        builder.AddDtcMessaging();
        configure(builder);
        builder.AddCronTasks();
        await using var app = builder.Build();
        return await app.RunCronOnceAsync();
    }

    sealed class AlwaysFails : ICronTask
    {
        public static string Name => "always-fails";

        public Task<CronCounts> RunAsync(DateTimeOffset slot, CancellationToken ct) =>
            throw new HttpRequestException("the partner is down");
    }
}
