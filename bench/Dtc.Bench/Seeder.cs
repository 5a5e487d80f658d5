using System.Net.Http.Json;
using System.Text.Json;
using Dtc.Data;
using Dtc.Data.Accounts;
using Dtc.Data.Customers;
using Dtc.Data.Kits;
using Dtc.Data.Results;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtc.Bench;

/// <summary>
/// Patients with confirmed accounts, released results (for the read benchmarks) and registered kits
/// with no result yet (for ingestion); then a log-in per patient through the API for their tokens.
/// </summary>
public static class Seeder
{
    public sealed record Patient(Guid Id, string Email, string PatientNumber, string FamilyName, string GivenName, DateOnly BirthDate,
        string AccessToken, Guid[] ResultIds, string[] FreshKits, Guid[] FreshKitIds);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var customers = options.Int("customers", 64);
        var resultsEach = options.Int("results", 20);
        var kitsEach = options.Int("kits", 400);
        var api = new Uri(options.Get("api"));
        const string password = "Bench-password-not-secret-1";

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<DtcDbContext>(o => o.UseDtcDatabase(BenchOptions.Database));
        services.AddIdentityCore<DtcUser>().AddEntityFrameworkStores<DtcDbContext>();
        await using var provider = services.BuildServiceProvider();
        var now = DateTimeOffset.UtcNow;
        var patients = new List<Patient>();
        using var http = new HttpClient { BaseAddress = api };
        for (var c = 0; c < customers; c++)
        {
            await using var scope = provider.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<DtcUser>>();
            var db = scope.ServiceProvider.GetRequiredService<DtcDbContext>();
            var email = $"bench{c}-{Guid.NewGuid():N}@bench.example";
            var user = new DtcUser { Id = Guid.CreateVersion7(), UserName = email, Email = email, EmailConfirmed = true };
            var created = await users.CreateAsync(user, password);
            if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
            var customer = new Customer
            {
                Id = user.Id, PatientNumber = $"PAT-B{c:D4}{Random.Shared.Next(100000, 999999)}", Email = email, EmailVerified = true,
                GivenName = "Bench", FamilyName = $"Patient{c}", DateOfBirth = new DateOnly(1960 + c % 40, 1 + c % 12, 1 + c % 28),
                CreatedAt = now, UpdatedAt = now, Version = 1,
            };
            db.Customers.Add(customer);
            var resultIds = new List<Guid>();
            for (var r = 0; r < resultsEach; r++)
            {
                var kit = NewKit(customer.Id, now, KitStatus.Resulted);
                db.Kits.Add(kit);
                var report = NewReport(kit, customer.Id, now.AddDays(-r));
                db.LabReports.Add(report);
                resultIds.Add(report.Id);
            }
            var fresh = new List<Kit>();
            for (var k = 0; k < kitsEach; k++)
            {
                var kit = NewKit(customer.Id, now, KitStatus.Registered);
                db.Kits.Add(kit);
                fresh.Add(kit);
            }
            await db.SaveChangesAsync();
            var login = await http.PostAsJsonAsync("/api/v1/accounts/login", new { email, password });
            login.EnsureSuccessStatusCode();
            var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
            patients.Add(new Patient(customer.Id, email, customer.PatientNumber, customer.FamilyName, customer.GivenName,
                customer.DateOfBirth!.Value, token, [.. resultIds], [.. fresh.Select(k => k.Barcode)], [.. fresh.Select(k => k.Id)]));
        }
        var output = options.Get("out", "bench/results/seed.json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(patients));
        Console.WriteLine(JsonSerializer.Serialize(new { customers, resultsEach, kitsEach, output }));
        return 0;
    }

    public static async Task<List<Patient>> LoadAsync(string path) =>
        JsonSerializer.Deserialize<List<Patient>>(await File.ReadAllTextAsync(path))!;

    internal static Kit NewKit(Guid customerId, DateTimeOffset now, string status) => new()
    {
        Id = Guid.CreateVersion7(), Barcode = Barcodes.Next(), ProductCode = "A1C", CustomerId = customerId, Status = status,
        ExpiresOn = DateOnly.FromDateTime(now.UtcDateTime.AddYears(1)), ShippedAt = now.AddDays(-10), RegisteredAt = now.AddDays(-3),
        CollectedAt = now.AddDays(-3), ConsentToTesting = true, UpdatedAt = now,
    };

    static LabReport NewReport(Kit kit, Guid customerId, DateTimeOffset issued)
    {
        var report = new LabReport
        {
            Id = Guid.CreateVersion7(), KitId = kit.Id, CustomerId = customerId, Accession = "ACC-" + kit.Barcode, PanelCode = "4548-4",
            PanelDisplay = "Hemoglobin A1c", Status = ReportStatus.Final, CurrentVersion = 1, IssuedAt = issued, CollectedAt = issued.AddDays(-2),
            ReceivedAt = issued, Released = true, UpdatedAt = issued, Lab = new PerformingLab { Name = "Bench Lab", Address = "1 Lab Way" },
        };
        var version = new ReportVersion
        {
            Id = Guid.CreateVersion7(), ReportId = report.Id, Number = 1, Status = ReportStatus.Final, IssuedAt = issued, ReceivedAt = issued,
            SourceMessageId = "BENCH-" + Guid.NewGuid().ToString("N"), SourceFormat = "hl7v2",
        };
        for (var o = 0; o < 5; o++)
        {
            version.Observations.Add(new Observation
            {
                Id = Guid.CreateVersion7(), VersionId = version.Id, Sequence = o + 1, Code = $"4548-{o}", Display = $"Analyte {o}",
                NumericValue = 5.2m + o, Unit = "%", ReferenceRange = "4.0-5.6", ReferenceLow = 4.0m, ReferenceHigh = 5.6m,
                Flag = o == 0 ? "N" : "H", Status = ReportStatus.Final, ObservedAt = issued,
            });
        }
        report.Versions.Add(version);
        return report;
    }
}

/// <summary>Unique 11-digit barcodes with a Luhn check digit.</summary>
public static class Barcodes
{
    static long next = Random.Shared.NextInt64(1_000_000_000, 9_000_000_000) - 1;

    public static string Next()
    {
        var body = Interlocked.Increment(ref next).ToString("D10");
        return body + KitBarcode.CheckDigit(body);
    }
}
