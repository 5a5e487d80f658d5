using System.Diagnostics;
using Dtc.Data;
using Dtc.Data.Audit;
using Dtc.Data.Customers;
using Dtc.Messaging.Consuming;
using Dtc.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Consumers.Customers;

/// <summary>What a versioned change found on the customer row.</summary>
public enum UpdateOutcome
{
    /// <summary>Newer than the row: applied now.</summary>
    Applied,
    /// <summary>The row already holds this version (the API wrote it before publishing).</summary>
    AlreadyApplied,
    /// <summary>Older than the row: a newer update won; ignored.</summary>
    Stale,
    /// <summary>The account is closed: nothing is written back onto an anonymised row.</summary>
    Closed,
}

/// <summary>Shared steps of the customer handlers.</summary>
public static class CustomerRows
{
    /// <summary>
    /// Loads the customer locked to the commit: changes of one customer take turns on every replica, so two
    /// updates handled at once cannot both read version N and the older one write last.
    /// </summary>
    public static async Task<Customer> LockAsync(DtcDbContext db, Guid customerId, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync($"select 1 from customers where id = {customerId} for update", ct);
        return await db.Customers.SingleOrDefaultAsync(c => c.Id == customerId, ct)
            ?? throw new PoisonMessageException("unknown-customer", $"Customer {customerId} does not exist.");
    }

    public static UpdateOutcome Compare(Customer customer, long version) =>
        customer.ClosedAt is not null ? UpdateOutcome.Closed
        : version > customer.Version ? UpdateOutcome.Applied
        : version == customer.Version ? UpdateOutcome.AlreadyApplied
        : UpdateOutcome.Stale;

    public static AddressData? ToData(Address? a) => a is null ? null : new(a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country);

    public static Address? ToAddress(AddressData? a) => a is null ? null : new()
    {
        Line1 = a.Line1, Line2 = a.Line2, City = a.City, Region = a.Region, PostalCode = a.PostalCode, Country = a.Country,
    };

    /// <summary>The contact the fulfilment partner ships with, as the row holds it now.</summary>
    public static FulfilmentContactChanged Contact(Customer c, DateTimeOffset now) =>
        new(c.Id, c.Version, c.GivenName, c.FamilyName, c.Email, c.Phone, ToData(c.ShippingAddress), now);

    /// <summary>Profile data is PHI: every change leaves an audit event in the same transaction (DESIGN.md §2).</summary>
    public static void Audit(DtcDbContext db, Guid customerId, string action, Guid? actorId, DateTimeOffset now) =>
        db.AuditEvents.Add(new AuditEvent
        {
            OccurredAt = now,
            ActorId = actorId,
            Action = action,
            CustomerId = customerId,
            ResourceType = "customer",
            ResourceId = customerId.ToString(),
            TraceId = Activity.Current?.TraceId.ToHexString(),
        });
}
