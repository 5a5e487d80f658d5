using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Npgsql;

namespace Dtc.Data;

public static class DtcDbContextOptions
{
    /// <summary>The one place that says how Dtc talks to PostgreSQL; services, tools and tests all call it.</summary>
    public static DbContextOptionsBuilder UseDtcDatabase(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();

    public static DbContextOptionsBuilder UseDtcDatabase(this DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options.UseNpgsql(dataSource, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running service.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<DtcDbContext>
{
    public DtcDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<DtcDbContext>();
        options.UseDtcDatabase("Host=127.0.0.1;Database=dtc_design;Username=postgres");
        return new DtcDbContext(options.Options);
    }
}
