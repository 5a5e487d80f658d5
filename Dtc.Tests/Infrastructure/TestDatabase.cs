using System.Security.Cryptography;
using System.Text;
using Dtc.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dtc.Tests.Infrastructure;

/// <summary>
/// A database of its own for one test (class): a copy of a template migrated once per schema, so each
/// test starts from the full, empty schema in ~100 ms and never sees another test's rows.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    static readonly SemaphoreSlim templateGate = new(1, 1);
    static string? template;

    public string Name { get; }
    public string ConnectionString { get; }

    TestDatabase(string name)
    {
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Database = name, MaxPoolSize = 50 }.ToString();
    }

    public static async Task<TestDatabase> CreateAsync()
    {
        var source = await TemplateAsync();
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await AdminAsync($"create database {name} template {source}");
        return new TestDatabase(name);
    }

    /// <summary>An empty database with no schema (for migration tests).</summary>
    public static async Task<TestDatabase> CreateEmptyAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await AdminAsync($"create database {name}");
        return new TestDatabase(name);
    }

    public DtcDbContext CreateContext()
    {
        var options = new DbContextOptionsBuilder<DtcDbContext>();
        options.UseDtcDatabase(ConnectionString);
        return new DtcDbContext(options.Options);
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Calls per statement text in this database (pg_stat_statements, which scripts/infra.sh loads), read on a
    /// connection of its own outside any pool, so that the read itself is no pooled connection's statement.
    /// </summary>
    public async Task<Dictionary<string, long>> StatementCallsAsync()
    {
        var unpooled = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString();
        await using var connection = new NpgsqlConnection(unpooled);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("create extension if not exists pg_stat_statements", connection)) await create.ExecuteNonQueryAsync();
        await using var command = new NpgsqlCommand("""
            select query, sum(calls)::bigint from pg_stat_statements
            where dbid = (select oid from pg_database where datname = current_database()) group by query
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var statements = new Dictionary<string, long>();
        while (await reader.ReadAsync()) statements[reader.GetString(0)] = reader.GetInt64(1);
        return statements;
    }

    static async Task<string> TemplateAsync()
    {
        if (template is not null) return template;
        await templateGate.WaitAsync();
        try
        {
            if (template is not null) return template;
            await using var probe = await CreateEmptyAsync();
            string name;
            await using (var db = probe.CreateContext())
            {
                // Named after the migrations and the model, so a changed schema gets a fresh template.
                var fingerprint = string.Join("|", db.Database.GetMigrations()) + db.Database.GenerateCreateScript();
                name = "dtc_template_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fingerprint)))[..12];
            }
            await using var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
            await admin.OpenAsync();
            // Test processes of several developers or CI steps may race to build it.
            await using (var lockCommand = new NpgsqlCommand("select pg_advisory_lock(7401)", admin)) await lockCommand.ExecuteNonQueryAsync();
            await using (var exists = new NpgsqlCommand($"select 1 from pg_database where datname = '{name}'", admin))
            {
                if (await exists.ExecuteScalarAsync() is null)
                {
                    await using (var db = probe.CreateContext()) await db.Database.MigrateAsync();
                    NpgsqlConnection.ClearAllPools();
                    await using var rename = new NpgsqlCommand($"alter database {probe.Name} rename to {name}", admin);
                    await rename.ExecuteNonQueryAsync();
                    await using var recreate = new NpgsqlCommand($"create database {probe.Name}", admin);
                    await recreate.ExecuteNonQueryAsync();
                }
            }
            await using (var unlock = new NpgsqlCommand("select pg_advisory_unlock(7401)", admin)) await unlock.ExecuteNonQueryAsync();
            return template = name;
        }
        finally { templateGate.Release(); }
    }

    static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try { await AdminAsync($"drop database if exists {Name} with (force)"); }
        catch (NpgsqlException) { /* left for the next run's cleanup; never fail a test on teardown */ }
    }
}
