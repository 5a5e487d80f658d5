using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Dtc.Data;

public static class DataExtensions
{
    /// <summary>The Aspire resource (and connection string) name of the database.</summary>
    public const string ConnectionName = "dtc";

    /// <summary>
    /// DbContext pooling on the Aspire-managed connection string, with Aspire's health check, tracing
    /// and metrics. No EF retry strategy: consumers retry whole messages, and explicit transactions
    /// stay simple. <paramref name="connection"/> lets a service tune its own connections on top of the
    /// configured connection string (the API's: <c>ApiDatabase</c>).
    /// </summary>
    public static IHostApplicationBuilder AddDtcDatabase(this IHostApplicationBuilder builder,
        Action<NpgsqlConnectionStringBuilder>? connection = null, Action<IServiceProvider, DbContextOptionsBuilder>? configure = null)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} is not set.");
        if (connection is not null)
        {
            var tuned = new NpgsqlConnectionStringBuilder(connectionString);
            connection(tuned);
            connectionString = tuned.ConnectionString;
        }
        builder.Services.AddDbContextPool<DtcDbContext>((services, options) =>
        {
            options.UseDtcDatabase(connectionString);
            foreach (var interceptor in services.GetServices<IInterceptor>()) options.AddInterceptors(interceptor);
            configure?.Invoke(services, options);
        });
        builder.EnrichNpgsqlDbContext<DtcDbContext>(settings => settings.DisableRetry = true);
        return builder;
    }
}
