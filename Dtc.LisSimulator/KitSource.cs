using Dtc.Data;
using Dtc.Data.Accounts;
using Dtc.Data.Catalogue;
using Dtc.Data.Customers;
using Dtc.Data.Kits;
using Microsoft.EntityFrameworkCore;

namespace Dtc.LisSimulator;

/// <summary>Where the simulator's kits come from: the database's registered kits, or patients and kits it creates itself.</summary>
public sealed class KitSource(IServiceScopeFactory scopes, TimeProvider clock)
{
    static readonly string[] given = ["Ana", "Sam", "Li", "Zoë", "Chidi", "José", "Ingrid", "Mei", "Omar", "Aoife", "Søren", "Priya"];
    static readonly string[] family = ["Rivera", "O'Neil", "Chen", "Dubois", "Okafor", "Müller", "García López", "Nguyễn", "Kowalski", "Ó Briain", "Smith-Jones", "Haddad"];

    /// <summary>Registered kits (oldest registration first), leaving out those already being worked on.</summary>
    public async Task<List<SimKit>> RegisteredAsync(int take, IReadOnlySet<Guid> started, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DtcDbContext>();
        var rows = await (
            from k in db.Kits.AsNoTracking()
            join c in db.Customers on k.CustomerId equals c.Id
            join p in db.Products on k.ProductCode equals p.Code into products
            from p in products.DefaultIfEmpty()
            where k.Status == KitStatus.Registered
            orderby k.RegisteredAt, k.Id
            select new SimKit(k.Id, k.Barcode, c.PatientNumber, c.GivenName, c.FamilyName, c.DateOfBirth, p == null ? null : p.LoincPanelCode, k.CollectedAt))
            .Take(take + started.Count).ToListAsync(ct);
        return [.. rows.Where(k => !started.Contains(k.KitId)).Take(take)];
    }

    /// <summary>
    /// Patients (with a sign-in account that has no password) and one registered kit each, written straight to
    /// the database for load runs; barcodes are 11 digits with a Luhn check digit, starting with 9.
    /// </summary>
    public async Task<List<SimKit>> SeedAsync(int count, Random random, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var run = random.Next(1000, 10000);
        // Consecutive barcodes from a random start: unique within the run, unlikely to meet another run's.
        var first = random.NextInt64(0, 1_000_000_000 - count);
        var kits = new List<SimKit>(count);
        for (var start = 0; start < count; start += 500)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DtcDbContext>();
            for (var i = start; i < Math.Min(count, start + 500); i++)
            {
                var product = Catalogue.Seed[random.Next(Catalogue.Seed.Length)];
                var email = $"sim-{Guid.NewGuid():N}@sim.example";
                var user = new DtcUser
                {
                    Id = Guid.CreateVersion7(), UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email,
                    NormalizedEmail = email.ToUpperInvariant(), EmailConfirmed = true, SecurityStamp = Guid.NewGuid().ToString("N"),
                };
                var customer = new Customer
                {
                    Id = user.Id, PatientNumber = $"PAT-S{run}{i:D7}", Email = email, EmailVerified = true,
                    GivenName = given[random.Next(given.Length)], FamilyName = family[random.Next(family.Length)],
                    DateOfBirth = new DateOnly(1950, 1, 1).AddDays(random.Next(365 * 55)), CreatedAt = now, UpdatedAt = now, Version = 1,
                };
                var kit = new Kit
                {
                    Id = Guid.CreateVersion7(), Barcode = Barcode(first + i), ProductCode = product.Code, CustomerId = customer.Id,
                    Status = KitStatus.Registered, ExpiresOn = DateOnly.FromDateTime(now.UtcDateTime.AddYears(1)), ShippedAt = now.AddDays(-7),
                    RegisteredAt = now, CollectedAt = now.AddHours(-random.Next(2, 72)), ConsentToTesting = true, UpdatedAt = now,
                };
                db.Users.Add(user);
                db.Customers.Add(customer);
                db.Kits.Add(kit);
                kits.Add(new SimKit(kit.Id, kit.Barcode, customer.PatientNumber, customer.GivenName, customer.FamilyName,
                    customer.DateOfBirth, product.LoincPanelCode, kit.CollectedAt));
            }
            await db.SaveChangesAsync(ct);
        }
        return kits;
    }

    static string Barcode(long serial)
    {
        var payload = "9" + serial.ToString("D9");
        var sum = 0;
        for (var i = 0; i < payload.Length; i++)
        {
            var digit = payload[payload.Length - 1 - i] - '0';
            if (i % 2 == 0) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
            sum += digit;
        }
        return payload + (10 - sum % 10) % 10;
    }
}
