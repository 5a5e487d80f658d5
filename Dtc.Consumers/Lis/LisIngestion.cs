using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dtc.Consumers.Lis;

public static class LisIngestion
{
    /// <summary>What <see cref="LisResultHandler"/> needs: its writer, the <c>Dtc.Lis</c> meter and the quarantine gauge.</summary>
    public static IHostApplicationBuilder AddLisIngestion(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LisOptions>().BindConfiguration("Lis")
            .Validate(o => o.QuarantineGaugeInterval > TimeSpan.Zero, "Lis:QuarantineGaugeInterval must be positive.").ValidateOnStart();
        builder.Services.TryAddSingleton<LisTelemetry>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IInterceptor, LisTelemetry.CommitHook>());
        builder.Services.AddTransient<ReportWriter>(); // per message: it holds the statuses the message leaves its kits in
        builder.Services.AddScoped<ReportBatch>(); // per transaction: a batch's messages add to the same rows
        builder.Services.AddHostedService<QuarantineGauge>();
        return builder;
    }
}
