using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace Dtc.Data;

public static class DtcDbContextOptions
{
    /// <summary>The one place that says how Dtc talks to PostgreSQL; services, tools and tests all call it.</summary>
    public static DbContextOptionsBuilder UseDtcDatabase(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, Npgsql).UseSnakeCaseNamingConvention();

    public static DbContextOptionsBuilder UseDtcDatabase(this DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options.UseNpgsql(dataSource, Npgsql).UseSnakeCaseNamingConvention();

    /// <summary>
    /// A query that reads collections reads them in its one round trip (one result: its versions and their
    /// observations), as EF does by default; said here, EF does not log a warning for each such query every
    /// replica compiles (up to 14 per API replica in a bench run).
    /// </summary>
    static void Npgsql(NpgsqlDbContextOptionsBuilder npgsql) =>
        npgsql.MigrationsHistoryTable("__ef_migrations_history").UseQuerySplittingBehavior(QuerySplittingBehavior.SingleQuery);
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
