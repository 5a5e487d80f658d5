using Dtc.Cron.Running;
using Dtc.Cron.Tasks;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dtc.Cron;

public static class CronExtensions
{
    /// <summary>The runner and the tasks of DESIGN.md §5, in the order they run.</summary>
    public static IHostApplicationBuilder AddCronTasks(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<CronTelemetry>();
        services.TryAddSingleton<CronRunner>();
        services.AddOptions<CronOptions>().BindConfiguration(CronOptions.Section)
            .Validate(o => o.TaskTimeout > TimeSpan.Zero && o.TaskTimeout < TimeSpan.FromMinutes(1), "Cron:TaskTimeout must be under a minute.")
            .Validate(o => o.BatchSize > 0, "Cron:BatchSize must be positive.")
            .ValidateOnStart();
        // Health first, so that the snapshot shows the state before the other tasks act on it.
        services.AddCronTask<HealthSnapshotTask>();
        services.AddCronTask<OutboxSweepTask>();
        services.AddCronTask<SessionCleanupTask>();
        services.AddCronTask<KitExpiryTask>();
        services.AddCronTask<RemindersTask>();
        services.AddCronTask<DeferredNotificationsTask>();
        services.AddCronTask<FulfilmentReconciliationTask>();
        return builder;
    }

    public static IServiceCollection AddCronTask<TTask>(this IServiceCollection services) where TTask : class, ICronTask
    {
        services.AddScoped<TTask>();
        services.AddSingleton(new CronTaskRegistration(TTask.Name, typeof(TTask)));
        return services;
    }

    /// <summary>
    /// <c>--once</c> (the Kubernetes CronJob): runs the current minute's slot and returns the exit code,
    /// non-zero when a task failed. A slot another copy holds counts as success.
    /// </summary>
    public static async Task<int> RunCronOnceAsync(this WebApplication app)
    {
        await app.StartAsync();
        var clock = app.Services.GetRequiredService<TimeProvider>();
        var run = await app.Services.GetRequiredService<CronRunner>().RunSlotAsync(clock.GetUtcNow(), app.Lifetime.ApplicationStopping);
        await app.StopAsync();
        return run.Failed ? 1 : 0;
    }
}
