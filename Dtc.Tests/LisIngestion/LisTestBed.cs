using System.Text;
using System.Text.Json;
using Dtc.Consumers;
using Dtc.Data;
using Dtc.Data.Accounts;
using Dtc.Data.Customers;
using Dtc.Data.Kits;
using Dtc.Data.Results;
using Dtc.Messaging;
using Dtc.Messaging.Contracts;
using Dtc.Tests.Consumers;
using Dtc.Tests.Infrastructure;
using Dtc.Tests.Lis;
using Dtc.Tests.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Tests.LisIngestion;

/// <summary>
/// consumer-lis-testresult (one or more replicas) on a database and virtual host of its own, the LIS
/// publishing to it through the broker, and the patients and kits of samples/lis/KITS.txt.
/// </summary>
public sealed class LisTestBed : IAsyncDisposable
{
    static readonly JsonSerializerOptions json = new(JsonSerializerDefaults.Web);

    public required TestDatabase Database { get; init; }
    public required TestBroker Broker { get; init; }
    public required IReadOnlyList<ServiceHost> Hosts { get; init; }
    public required ExternalPublisher Lis { get; init; }
    public required MetricProbe Metrics { get; init; }

    public sealed record SamplePatient(string Sample, string Barcode, string PatientNumber, string Given, string Family, DateOnly BirthDate, string? Product);

    /// <summary>KITS.txt: which kit and patient each sample belongs to.</summary>
    public static readonly SamplePatient[] Samples =
    [
        new("lipid-final.hl7", "48219573028", "PAT-1001", "Ana", "Rivera", new(1985, 2, 14), "LIPID"),
        new("a1c", "77300166491", "PAT-1002", "Sam", "O'Neil", new(1970, 9, 1), "A1C"),
        new("specimen-rejected.hl7", "55024188678", "PAT-1003", "Li", "Chen", new(1992, 11, 30), "LIPID"),
        new("escapes-and-repeats.hl7", "91344700256", "PAT-1004", "Zoe", "Dubois", new(1988, 5, 5), "STI4"),
        new("vitamin-d-final.fhir.json", "66209135848", "PAT-1005", "Chidi", "Okafor", new(1979, 3, 22), "VITD"),
    ];

    public static async Task<LisTestBed> StartAsync(int replicas = 1, bool seedSamples = true, IDictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateAsync();
        var broker = await TestBroker.CreateAsync();
        var hosts = new List<ServiceHost>();
        for (var i = 0; i < replicas; i++)
        {
            hosts.Add(await ServiceHost.StartAsync(database, broker, b => b.AddConsumerRole(ConsumerRole.LisTestResult), settings: settings));
        }
        var bed = new LisTestBed
        {
            Database = database, Broker = broker, Hosts = hosts,
            Lis = await ExternalPublisher.ConnectAsync(broker),
            Metrics = MetricProbe.Start(hosts.Select(h => h.Services)),
        };
        if (seedSamples)
        {
            foreach (var s in Samples) await bed.AddPatientWithKitAsync(s.PatientNumber, s.Given, s.Family, s.BirthDate, s.Barcode, s.Product);
        }
        return bed;
    }

    public DtcDbContext Db() => Database.CreateContext();

    /// <summary>A patient (with a sign-in account row) and a kit registered to them, written straight to the database.</summary>
    public async Task<(Customer Customer, Kit Kit)> AddPatientWithKitAsync(
        string patientNumber, string given, string family, DateOnly? birthDate, string barcode, string? product = "A1C",
        string kitStatus = KitStatus.Registered)
    {
        var now = DateTimeOffset.UtcNow;
        var email = $"{Guid.NewGuid():N}@example.com";
        var user = new DtcUser
        {
            Id = Guid.CreateVersion7(), UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email,
            NormalizedEmail = email.ToUpperInvariant(), EmailConfirmed = true, SecurityStamp = Guid.NewGuid().ToString("N"),
        };
        var customer = new Customer
        {
            Id = user.Id, PatientNumber = patientNumber, Email = email, EmailVerified = true, GivenName = given, FamilyName = family,
            DateOfBirth = birthDate, CreatedAt = now, UpdatedAt = now, Version = 1,
        };
        var kit = NewKit(barcode, product, kitStatus == KitStatus.Shipped ? null : customer.Id, kitStatus, now);
        await using var db = Db();
        db.Users.Add(user);
        db.Customers.Add(customer);
        db.Kits.Add(kit);
        await db.SaveChangesAsync();
        return (customer, kit);
    }

    public async Task<Kit> AddKitAsync(string barcode, Guid? customerId, string status, string? product = "A1C")
    {
        var kit = NewKit(barcode, product, customerId, status, DateTimeOffset.UtcNow);
        await using var db = Db();
        db.Kits.Add(kit);
        await db.SaveChangesAsync();
        return kit;
    }

    static Kit NewKit(string barcode, string? product, Guid? customerId, string status, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(), Barcode = barcode, ProductCode = product, CustomerId = customerId, Status = status,
        ExpiresOn = DateOnly.FromDateTime(now.UtcDateTime.AddYears(1)), ShippedAt = now.AddDays(-10),
        RegisteredAt = customerId is null ? null : now.AddDays(-3), CollectedAt = customerId is null ? null : now.AddDays(-3),
        ConsentToTesting = customerId is not null, UpdatedAt = now,
    };

    public Task<Guid> PublishSampleAsync(string sample, Guid? messageId = null) =>
        Lis.PublishRawAsync(LisResult.MessageType, LisTestKit.Bytes(sample), ContentTypeOf(sample), messageId);

    public Task<Guid> PublishHl7Async(string text, Guid? messageId = null) =>
        Lis.PublishRawAsync(LisResult.MessageType, Encoding.UTF8.GetBytes(text), LisResult.Hl7ContentType, messageId);

    public static string ContentTypeOf(string sample) => sample.EndsWith(".json", StringComparison.Ordinal) ? LisResult.FhirContentType : LisResult.Hl7ContentType;

    /// <summary>Waits until the consumer has committed <paramref name="count"/> messages (stored, duplicate or quarantined).</summary>
    public Task HandledAsync(int count) => Eventually.Until(async () =>
    {
        await using var db = Db();
        return await db.Inbox.CountAsync(i => i.Consumer == Topology.Queues.LisTestResult);
    }, n => n >= count, $"{count} LIS messages handled");

    public Task<List<Parking.Parked>> ParkedAsync(int count) => Parking.WaitForAsync(Broker, count, Topology.Queues.LisTestResult);

    /// <summary>The report of a kit with every version (by number) and their observations (by sequence); null if none.</summary>
    public async Task<LabReport?> ReportAsync(string barcode)
    {
        await using var db = Db();
        var kitId = await db.Kits.Where(k => k.Barcode == barcode).Select(k => k.Id).SingleAsync();
        var report = await db.LabReports.AsNoTracking().Include(r => r.Versions).ThenInclude(v => v.Observations)
            .SingleOrDefaultAsync(r => r.KitId == kitId);
        if (report is null) return null;
        report.Versions = [.. report.Versions.OrderBy(v => v.Number)];
        foreach (var v in report.Versions) v.Observations = [.. v.Observations.OrderBy(o => o.Sequence)];
        return report;
    }

    public async Task<Kit> KitAsync(string barcode)
    {
        await using var db = Db();
        return await db.Kits.AsNoTracking().SingleAsync(k => k.Barcode == barcode);
    }

    /// <summary>The messages of one type the consumer wrote to the outbox (what it published, or will).</summary>
    public async Task<List<T>> PublishedAsync<T>() where T : IMessage
    {
        await using var db = Db();
        var type = T.MessageType;
        var bodies = await db.Outbox.Where(o => o.Type == type).OrderBy(o => o.Seq).Select(o => o.Body).ToListAsync();
        return [.. bodies.Select(b => JsonSerializer.Deserialize<T>(b, json)!)];
    }

    public async ValueTask DisposeAsync()
    {
        Metrics.Dispose();
        await Lis.DisposeAsync();
        foreach (var host in Hosts) await host.DisposeAsync();
        await Broker.DisposeAsync();
        await Database.DisposeAsync();
    }
}
