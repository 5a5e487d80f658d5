using System.Net.Http.Json;
using System.Text.Json;
using Dtc.Data;
using Dtc.Data.Accounts;
using Dtc.Data.Customers;
using Dtc.Data.Kits;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Bench.Faults;

/// <summary>
/// Patients with confirmed accounts and shipped kits nobody registered yet; then one registration per
/// kit, plus every tenth registration naming a barcode no kit has (rejected: kit-not-found), so the
/// consumer decides both ways.
/// </summary>
public static class RegistrationSeed
{
    const string Password = "Fault-password-not-secret-1";

    public sealed record SeededPatient(Guid Id, string Email, List<(string Barcode, bool KitExists)> Barcodes);

    public static async Task<List<SeededPatient>> SeedAsync(string database, int registrations, int patients, CancellationToken ct)
    {
        var options = new DbContextOptionsBuilder<DtcDbContext>();
        options.UseDtcDatabase(database);
        var now = DateTimeOffset.UtcNow;
        // One hash serves every account: the salt is inside it, and PBKDF2 once instead of per patient.
        var hash = new PasswordHasher<DtcUser>().HashPassword(new DtcUser(), Password);
        var seeded = new List<SeededPatient>();
        for (var p = 0; p < patients; p++)
        {
            var id = Guid.CreateVersion7();
            var email = $"apifault{p}-{id:N}@faults.example";
            seeded.Add(new SeededPatient(id, email, []));
        }
        for (var i = 0; i < registrations; i++) seeded[i % patients].Barcodes.Add((Barcodes.Next(), i % 10 != 9));

        for (var p = 0; p < patients; p++)
        {
            var patient = seeded[p];
            await using var db = new DtcDbContext(options.Options);
            db.Users.Add(new DtcUser
            {
                Id = patient.Id, UserName = patient.Email, NormalizedUserName = patient.Email.ToUpperInvariant(), Email = patient.Email,
                NormalizedEmail = patient.Email.ToUpperInvariant(), EmailConfirmed = true, PasswordHash = hash,
                SecurityStamp = Guid.NewGuid().ToString(), ConcurrencyStamp = Guid.NewGuid().ToString(),
            });
            db.Customers.Add(new Customer
            {
                Id = patient.Id, PatientNumber = $"PAT-A{p:D5}{Random.Shared.Next(1000, 9999)}", Email = patient.Email,
                EmailVerified = true, GivenName = "Fault", FamilyName = $"Registrant{p}",
                DateOfBirth = new DateOnly(1980, 1, 1 + p % 28), CreatedAt = now, UpdatedAt = now, Version = 1,
            });
            foreach (var (barcode, _) in patient.Barcodes.Where(b => b.KitExists))
            {
                db.Kits.Add(new Kit
                {
                    Id = Guid.CreateVersion7(), Barcode = barcode, ProductCode = "A1C", Status = KitStatus.Shipped,
                    ExpiresOn = DateOnly.FromDateTime(now.UtcDateTime.AddYears(1)), ShippedAt = now.AddDays(-10), UpdatedAt = now,
                });
            }
            await db.SaveChangesAsync(ct);
        }
        return seeded;
    }

    /// <summary>Each patient logs in through the API, as the app does; the jobs interleave the patients.</summary>
    public static async Task<List<RegistrationJob>> JobsAsync(Uri api, IReadOnlyList<SeededPatient> patients, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = api };
        var tokens = new Dictionary<Guid, string>();
        foreach (var patient in patients)
        {
            using var login = await http.PostAsJsonAsync("/api/v1/accounts/login", new { email = patient.Email, password = Password }, ct);
            login.EnsureSuccessStatusCode();
            tokens[patient.Id] = (await login.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString()!;
        }
        var collectedAt = DateTimeOffset.UtcNow.AddHours(-1);
        var jobs = new List<RegistrationJob>();
        var total = patients.Sum(p => p.Barcodes.Count);
        for (var i = 0; i < total; i++)
        {
            var patient = patients[i % patients.Count];
            var (barcode, exists) = patient.Barcodes[i / patients.Count];
            jobs.Add(new RegistrationJob(i, patient.Id, tokens[patient.Id], barcode, collectedAt, exists));
        }
        return jobs;
    }
}
