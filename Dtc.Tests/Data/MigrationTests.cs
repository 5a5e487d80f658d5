using Dtc.Data;
using Dtc.Tests.Api;
using Dtc.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dtc.Tests.Data;

public sealed class MigrationTests
{
    [Fact]
    public async Task MigrationsCreateEveryTableOfTheModelOnAnEmptyDatabase()
    {
        await using var database = await TestDatabase.CreateEmptyAsync();
        await using var db = database.CreateContext();

        await db.Database.MigrateAsync();

        var expected = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().Order().ToList();
        var actual = await db.Database.SqlQuery<string>($"select table_name::text as \"Value\" from information_schema.tables where table_schema = 'public'").ToListAsync();
        Assert.NotEmpty(expected);
        Assert.All(expected, table => Assert.Contains(table, actual));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "The model has changes that no committed migration holds: add a migration.");
    }

    [Fact]
    public async Task SecondMigrationRunIsANoOp()
    {
        await using var database = await TestDatabase.CreateEmptyAsync();
        await using (var first = database.CreateContext()) await first.Database.MigrateAsync();
        var schemaBefore = await SchemaFingerprintAsync(database);
        var historyBefore = await database.ScalarAsync<long>("select count(*) from __ef_migrations_history");

        await using (var second = database.CreateContext()) await second.Database.MigrateAsync();

        Assert.Equal(historyBefore, await database.ScalarAsync<long>("select count(*) from __ef_migrations_history"));
        Assert.Equal(schemaBefore, await SchemaFingerprintAsync(database));
    }

    [Fact]
    public async Task MigrationsSeedTheCatalogue()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var db = database.CreateContext();
        var codes = await db.Products.Select(p => p.Code).ToListAsync();
        Assert.Contains("A1C", codes);
        Assert.Contains("LIPID", codes);
    }

    [Fact]
    public async Task TheResultListIndexIsReplacedOnADatabaseThatHoldsReportsAndTheChangeReverts()
    {
        const string before = "20261125102231_LisIngestion";
        await using var database = await TestDatabase.CreateEmptyAsync();
        await using (var db = database.CreateContext()) await db.GetService<IMigrator>().MigrateAsync(before);
        var customer = await Worker.Seed.CustomerAsync(database);
        var kit = Seed.Kit(customer.Id);
        await database.SaveAsync(kit, Seed.Report(customer.Id, kit.Id), Seed.Report(customer.Id, kit.Id, released: false));
        Assert.Equal(["ix_lab_reports_customer_id_issued_at (customer_id, issued_at) valid"], await ListIndexesAsync(database));

        // Built and dropped concurrently: each step outside the migration's transaction, on a table with rows.
        await using (var db = database.CreateContext()) await db.Database.MigrateAsync();
        Assert.Equal(["ix_lab_reports_customer_id_issued_at_id (customer_id, issued_at, id) valid"], await ListIndexesAsync(database));
        Assert.Equal(2L, await database.ScalarAsync<long>("select count(*) from lab_reports"));

        await using (var db = database.CreateContext()) await db.GetService<IMigrator>().MigrateAsync(before);
        Assert.Equal(["ix_lab_reports_customer_id_issued_at (customer_id, issued_at) valid"], await ListIndexesAsync(database));
    }

    /// <summary>The indexes on lab_reports whose name says they serve the results list, with their key and validity.</summary>
    static async Task<List<string>> ListIndexesAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        return await db.Database.SqlQuery<string>($"""
            select c.relname || ' ' || substring(pg_get_indexdef(i.indexrelid) from '\(.*?\)') || case when i.indisvalid then ' valid' else ' invalid' end as "Value"
            from pg_index i join pg_class c on c.oid = i.indexrelid
            where i.indrelid = 'lab_reports'::regclass and c.relname like 'ix_lab_reports_customer_id_issued_at%'
            order by 1
            """).ToListAsync();
    }

    static Task<string> SchemaFingerprintAsync(TestDatabase database) => database.ScalarAsync<string>("""
        select md5(string_agg(table_name || '.' || column_name || ':' || data_type || ':' || is_nullable, ',' order by table_name, column_name))
        from information_schema.columns where table_schema = 'public'
        """);
}
