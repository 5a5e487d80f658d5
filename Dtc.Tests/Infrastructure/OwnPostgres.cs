using Dtc.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dtc.Tests.Infrastructure;

/// <summary>A PostgreSQL cluster of the tests' own (data folder and port), so that crashing it disturbs no other test.</summary>
public sealed class OwnPostgres : IAsyncLifetime
{
    readonly Dictionary<string, string> _environment = new()
    {
        ["DTC_DATA"] = Path.Combine(TestEnvironment.RepoRoot, ".data", "fault-postgres"),
        ["DTC_PG_PORT"] = "54429",
    };

    public string ConnectionString { get; } = "Host=127.0.0.1;Port=54429;Database=dtc;Username=postgres;Maximum Pool Size=50";

    public async Task InitializeAsync()
    {
        await RunAsync("pg-start");
        await using (var admin = new NpgsqlConnection("Host=127.0.0.1;Port=54429;Database=postgres;Username=postgres"))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand("drop database if exists dtc with (force)", admin);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand("create database dtc", admin);
            await create.ExecuteNonQueryAsync();
        }
        var options = new DbContextOptionsBuilder<DtcDbContext>();
        options.UseDtcDatabase(ConnectionString);
        await using var db = new DtcDbContext(options.Options);
        await db.Database.MigrateAsync();
    }

    /// <summary>pg_ctl -m immediate (a crash: every connection drops, recovery runs) and a start.</summary>
    public Task CrashAndRestartAsync() => RunAsync("pg-crash-restart");

    public Task DisposeAsync() => RunAsync("pg-stop");

    Task RunAsync(string verb) => InfraScript.RunAsync(verb, _environment);
}
