using Dtc.Cron;
using Dtc.Cron.Running;
using Dtc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Dtc.Tests.Cron;

/// <summary>A cron copy in the test process, on a fake clock the test moves.</summary>
public static class CronTestKit
{
    /// <summary>A Wednesday morning in the past of every real clock, so seeded rows are never "now".</summary>
    public static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 3, 11, 9, 0, 20, TimeSpan.Zero));

    public static Task<ServiceHost> StartAsync(TestDatabase db, TestBroker broker, TimeProvider clock,
        Action<HostApplicationBuilder>? before = null, bool runRelay = true) =>
        ServiceHost.StartAsync(db, broker, b =>
        {
            b.Services.Replace(ServiceDescriptor.Singleton(clock));
            before?.Invoke(b);
            b.AddCronTasks();
        }, runRelay);

    public static Task<SlotRun> RunAsync(ServiceHost cron, TimeProvider clock) =>
        cron.Services.GetRequiredService<CronRunner>().RunSlotAsync(clock.GetUtcNow(), CancellationToken.None);

    public static long Count(this SlotRun run, string task, string key) => run.Tasks.Single(t => t.Task == task).Counts[key];
}
