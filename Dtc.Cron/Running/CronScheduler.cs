using Cronos;

namespace Dtc.Cron.Running;

/// <summary>
/// The long-running mode (the default, locally): fires every minute, <c>* * * * *</c> like the
/// production CronJob. Runs are awaited one after another, so a run never overlaps the previous one
/// in this copy; the runner's lock covers other copies.
/// </summary>
public sealed partial class CronScheduler(CronRunner runner, TimeProvider clock, ILogger<CronScheduler> logger) : BackgroundService
{
    public static readonly CronExpression EveryMinute = CronExpression.Parse("* * * * *");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var next = EveryMinute.GetNextOccurrence(now, TimeZoneInfo.Utc) ?? now.AddMinutes(1);
            try
            {
                await Task.Delay(next - now, clock, stoppingToken);
                await runner.RunSlotAsync(next, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
            catch (Exception ex)
            {
                // The database or the lock was unreachable: this minute is lost, the next one catches up.
                LogSlotFailed(ex, next);
            }
        }
    }

    [LoggerMessage(LogLevel.Error, "Cron slot {Slot:u} could not run")]
    partial void LogSlotFailed(Exception error, DateTimeOffset slot);
}
