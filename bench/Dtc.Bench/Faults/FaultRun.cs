using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Dtc.Data;
using Dtc.Data.Customers;
using Dtc.Data.Kits;
using Dtc.Messaging;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using RabbitMQ.Client;

namespace Dtc.Bench.Faults;

/// <summary>What a fault run counts; the goal is 0 lost, 0 duplicated, 0 duplicate notifications, parked = poison, outbox drained.</summary>
public sealed record FaultReport(
    int Published, int Poison, long Stored, long Lost, long Duplicated, long DuplicateNotifications, long Parked,
    long OutboxUnpublished, int ConsumerKills, bool BrokerRestarted, bool DatabaseCrashed, int PublisherResends, double Seconds)
{
    public bool Clean => Lost == 0 && Duplicated == 0 && DuplicateNotifications == 0 && Parked == Poison && OutboxUnpublished == 0;
}

/// <summary>
/// Publishes LIS results plus a known number of poison messages while consumer-lis-testresult replicas
/// are killed with SIGKILL at random moments, the broker is restarted once and PostgreSQL crashes once;
/// then counts what arrived.
/// </summary>
public sealed class FaultRun(string database, string broker, string consumerDll, Func<Task> restartBroker, Func<Task> crashDatabase)
{
    public int Results { get; init; } = 1_000;
    public int Poison { get; init; } = 10;
    public int PerSecond { get; init; } = 200;
    public int Consumers { get; init; } = 2;
    /// <summary>Kills to make even when the stream is over sooner (a slow broker restart eats the time).</summary>
    public int MinimumKills { get; init; } = 3;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
    public Action<string> Log { get; init; } = _ => { };

    public async Task<FaultReport> RunAsync(CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var messages = await SeedAsync(ct);
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__dtc"] = database, ["ConnectionStrings__rabbitmq"] = broker, ["OTEL_SDK_DISABLED"] = "true",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0", ["Logging__LogLevel__Default"] = "Warning", ["DOTNET_ENVIRONMENT"] = "Production",
        };
        var consumers = Enumerable.Range(1, Consumers)
            .Select(i => new ServiceProcess($"lis-{i}", consumerDll, ["--role", "lis-testresult"], environment)).ToList();
        foreach (var consumer in consumers) consumer.Start();
        var publisher = new ResilientPublisher(broker);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sending = Stopwatch.StartNew();
        var publishing = publisher.PublishAllAsync(messages, PerSecond, stop.Token);
        var kills = 0;
        bool brokerDone = false, databaseDone = false;
        var publishSeconds = (double)messages.Count / PerSecond;
        try
        {
            while (!publishing.IsCompleted || kills < MinimumKills)
            {
                await Task.Delay(TimeSpan.FromSeconds(1 + Random.Shared.NextDouble() * 2), ct);
                var progress = sending.Elapsed.TotalSeconds / publishSeconds;
                var victim = consumers[Random.Shared.Next(consumers.Count)];
                Log($"SIGKILL {victim.Name}");
                await victim.KillAndRestartAsync(TimeSpan.FromMilliseconds(500));
                kills++;
                if (!brokerDone && progress > 0.3)
                {
                    Log("restarting the broker");
                    await restartBroker();
                    brokerDone = true;
                }
                else if (brokerDone && !databaseDone && progress > 0.6)
                {
                    Log("crashing PostgreSQL (pg_ctl -m immediate) and starting it again");
                    await crashDatabase();
                    databaseDone = true;
                }
            }
            await publishing;
            if (!brokerDone) { await restartBroker(); brokerDone = true; }
            if (!databaseDone) { await crashDatabase(); databaseDone = true; }
            Log("published everything; waiting for the consumers to settle");
            var report = await SettleAsync(messages.Count, kills, brokerDone, databaseDone, publisher.Resent, clock, ct);
            Log(JsonSerializer.Serialize(report));
            return report;
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var consumer in consumers) await consumer.DisposeAsync();
        }
    }

    async Task<FaultReport> SettleAsync(int published, int kills, bool brokerDone, bool databaseDone, int resends, Stopwatch clock, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var report = await CountAsync(published, kills, brokerDone, databaseDone, resends, clock);
            var idle = await QueueIdleAsync();
            if ((report.Lost == 0 && report.Parked >= Poison && idle && report.OutboxUnpublished == 0) || deadline.Elapsed > Timeout) return report;
            await Task.Delay(500, ct);
        }
    }

    async Task<FaultReport> CountAsync(int published, int kills, bool brokerDone, bool databaseDone, int resends, Stopwatch clock)
    {
        await using var dataSource = NpgsqlDataSource.Create(database);
        async Task<long> Scalar(string sql)
        {
            await using var command = dataSource.CreateCommand(sql);
            return Convert.ToInt64(await command.ExecuteScalarAsync());
        }
        var expected = published - Poison;
        var stored = await Scalar("select count(distinct source_message_id) from report_versions where source_message_id like 'FLT%'");
        var versions = await Scalar("select count(*) from report_versions where source_message_id like 'FLT%'");
        var reportsPerKit = await Scalar("select coalesce(sum(n - 1), 0) from (select count(*) n from lab_reports group by kit_id) k");
        var duplicateJobs = await Scalar("""
            select count(*) from (select convert_from(body, 'UTF8')::jsonb ->> 'dedupeKey' k from outbox where type = 'notification.send') j
            group by k having count(*) > 1
            """);
        var unpublished = await Scalar("select count(*) from outbox where published_at is null");
        return new FaultReport(published, Poison, stored, expected - stored, versions - stored + reportsPerKit, duplicateJobs,
            await DistinctParkedAsync(Topology.ParkingQueue(Topology.Queues.LisTestResult)), unpublished, kills, brokerDone, databaseDone, resends,
            Math.Round(clock.Elapsed.TotalSeconds, 1));
    }

    async Task<bool> QueueIdleAsync()
    {
        try
        {
            var factory = new ConnectionFactory { Uri = new Uri(broker) };
            await using var connection = await factory.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            var queue = await channel.QueueDeclarePassiveAsync(Topology.Queues.LisTestResult);
            return queue.MessageCount == 0;
        }
        catch (Exception) { return false; }
    }

    /// <summary>
    /// Distinct message ids in the parking queue: the LIS re-sends what the broker did not confirm, so
    /// one poison message may be delivered, and parked, twice. Read without acking (they stay parked).
    /// </summary>
    async Task<long> DistinctParkedAsync(string queue)
    {
        try
        {
            var factory = new ConnectionFactory { Uri = new Uri(broker) };
            await using var connection = await factory.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            var ids = new HashSet<string?>();
            while (await channel.BasicGetAsync(queue, autoAck: false) is { } message) ids.Add(message.BasicProperties.MessageId);
            return ids.Count;
        }
        catch (Exception) { return -1; }
    }

    /// <summary>Patients with registered kits, one final result each, and the poison shuffled in.</summary>
    async Task<List<(Guid Id, byte[] Body)>> SeedAsync(CancellationToken ct)
    {
        var options = new DbContextOptionsBuilder<DtcDbContext>();
        options.UseDtcDatabase(database);
        var now = DateTimeOffset.UtcNow;
        var messages = new List<(Guid, byte[])>();
        const int perPatient = 50;
        for (var c = 0; c * perPatient < Results; c++)
        {
            await using var db = new DtcDbContext(options.Options);
            var id = Guid.CreateVersion7();
            var email = $"fault{c}-{id:N}@faults.example";
            db.Users.Add(new Dtc.Data.Accounts.DtcUser { Id = id, UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, SecurityStamp = Guid.NewGuid().ToString() });
            var customer = new Customer
            {
                Id = id, PatientNumber = $"PAT-F{c:D5}{Random.Shared.Next(1000, 9999)}", Email = email, GivenName = "Fault",
                FamilyName = $"Patient{c}", DateOfBirth = new DateOnly(1970, 1 + c % 12, 1 + c % 28), CreatedAt = now, UpdatedAt = now, Version = 1,
            };
            db.Customers.Add(customer);
            var patient = new Seeder.Patient(id, email, customer.PatientNumber, customer.FamilyName, customer.GivenName, customer.DateOfBirth.Value, "", [], [], []);
            for (var k = 0; k < perPatient && c * perPatient + k < Results; k++)
            {
                var kit = Seeder.NewKit(id, now, KitStatus.Registered);
                db.Kits.Add(kit);
                messages.Add((Guid.NewGuid(), Hl7Builder.Final(patient, kit.Barcode, now, "FLT")));
            }
            await db.SaveChangesAsync(ct);
        }
        for (var p = 0; p < Poison; p++)
        {
            // Poison the parser refuses (a wrong HL7 version): parked, never stored.
            var body = Encoding.UTF8.GetString(messages[p].Item2).Replace("|P|2.5.1|", "|P|9.9|");
            messages.Insert(Random.Shared.Next(messages.Count), (Guid.NewGuid(), Encoding.UTF8.GetBytes(body)));
        }
        return messages;
    }
}
