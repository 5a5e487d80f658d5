using System.Diagnostics;
using Dtc.Data;
using Microsoft.EntityFrameworkCore;

namespace Dtc.MigrationService;

internal sealed partial class Migrator(IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<Migrator> logger) : BackgroundService
{
    static readonly ActivitySource Source = new("Dtc.Migrations");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var activity = Source.StartActivity("migrate database");
        try
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DtcDbContext>();
            var pending = (await db.Database.GetPendingMigrationsAsync(stoppingToken)).ToList();
            await db.Database.MigrateAsync(stoppingToken);
            LogApplied(pending.Count, string.Join(", ", pending));
        }
        catch (Exception ex)
        {
            activity?.AddException(ex);
            LogFailed(ex);
            Environment.ExitCode = 1;
        }
        lifetime.StopApplication();
    }

    [LoggerMessage(LogLevel.Information, "Applied {Count} migration(s): {Migrations}")]
    partial void LogApplied(int count, string migrations);

    [LoggerMessage(LogLevel.Critical, "Database migration failed")]
    partial void LogFailed(Exception error);
}
