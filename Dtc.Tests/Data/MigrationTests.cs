using Dtc.Data;
using Dtc.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

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

    static Task<string> SchemaFingerprintAsync(TestDatabase database) => database.ScalarAsync<string>("""
        select md5(string_agg(table_name || '.' || column_name || ':' || data_type || ':' || is_nullable, ',' order by table_name, column_name))
        from information_schema.columns where table_schema = 'public'
        """);
}
