using System.Net;
using Dtc.Api.Accounts;
using Dtc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Dtc.Tests.Api;

/// <summary>
/// Replicas starting together on a fresh database must end with one Data Protection key between them. A replica
/// that loaded a key ring without the key another one signs its tokens with refuses those tokens (401) once its
/// first two minutes are over, until its ring is next read, a day later.
/// </summary>
public sealed class KeyRingTests
{
    [Fact]
    public async Task ReplicasStartingTogetherOnAFreshDatabaseCreateOneKeyUnderTheLockAndReadEachOthersTokens()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var broker = await TestBroker.CreateAsync();
        var replicas = Enumerable.Range(0, 3).Select(_ => new ApiFactory(database, broker)).ToList();
        try
        {
            await using var holder = new NpgsqlConnection(database.ConnectionString);
            await holder.OpenAsync();
            await ExecuteAsync(holder, $"select pg_advisory_lock({KeyRingWarmup.LockKey})");

            var starting = replicas.Select(r => Task.Run(() => r.Server)).ToList();
            await Eventually.Until(async () =>
            {
                // A replica whose start failed will never wait: fail with its error, not a timeout.
                starting.FirstOrDefault(t => t.IsFaulted)?.GetAwaiter().GetResult();
                return await WaitingForTheLockAsync(database);
            }, n => n == replicas.Count, "every replica to wait for the key ring's lock", TimeSpan.FromSeconds(60));
            // Every replica is waiting for the lock, and none has read or written a key before it.
            Assert.Equal(0L, await database.ScalarAsync<long>("select count(*) from data_protection_keys"));

            await ExecuteAsync(holder, $"select pg_advisory_unlock({KeyRingWarmup.LockKey})");
            await Task.WhenAll(starting);
            Assert.Equal(1L, await database.ScalarAsync<long>("select count(*) from data_protection_keys"));
            // Ahead of ASP.NET Core's own DataProtectionHostedService (added by AddAuthentication), which loads the ring.
            Assert.IsType<KeyRingWarmup>(replicas[0].Services.GetServices<IHostedService>().First());

            foreach (var issuer in replicas)
            {
                var patient = await issuer.SignUpAsync();
                foreach (var reader in replicas)
                {
                    using var client = reader.ClientWith(patient.Tokens.AccessToken);
                    Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
                }
            }
        }
        finally
        {
            foreach (var replica in replicas) await replica.DisposeAsync();
        }
    }

    static async Task<long> WaitingForTheLockAsync(TestDatabase database) => await database.ScalarAsync<long>(
        "select count(*) from pg_locks l join pg_database d on d.oid = l.database " +
        "where l.locktype = 'advisory' and not l.granted and d.datname = current_database()");

    static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
