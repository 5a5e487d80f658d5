using Dtc.Data.Customers;
using Dtc.Data.Kits;
using Dtc.Data.Orders;
using Dtc.Messaging.Contracts;

namespace Dtc.Consumers.Kits;

/// <summary>A decision on one registration: accepted (and how) or rejected (and why). <see cref="Reason"/> tags the metric.</summary>
public sealed record RegistrationDecision(bool Accepted, string Reason)
{
    /// <summary>The kit came from the patient's own order.</summary>
    public const string OwnOrder = "own-order";
    /// <summary>The kit came from another customer's order (see README: Kit registration rules).</summary>
    public const string Gift = "gift";
    /// <summary>The same patient registered the same kit again with the same data: accepted, no second effect.</summary>
    public const string Repeat = "repeat";

    public static RegistrationDecision Accept(string how) => new(true, how);
    public static RegistrationDecision Reject(string code) => new(false, code);
}

/// <summary>The rules of README "Kit registration rules", in the order they are checked. Pure: no I/O.</summary>
public static class RegistrationRules
{
    /// <summary>The API checked "not in the future" on its own clock; ours may differ a little.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public static RegistrationDecision Decide(
        KitRegistrationRequested request, string barcode, Customer customer, Kit? kit, Order? order, DateTimeOffset now)
    {
        if (customer.ClosedAt is not null) return Reject(Rejections.AccountClosed);
        if (!KitBarcode.IsValid(barcode)) return Reject(Rejections.InvalidBarcode);
        if (!request.ConsentToTesting) return Reject(Rejections.ConsentRequired);
        if (request.CollectedAt > now + ClockSkew) return Reject(Rejections.CollectedInFuture);
        if (kit is null) return Reject(Rejections.KitNotFound);
        if (kit.CustomerId is { } owner)
        {
            if (owner != customer.Id) return Reject(Rejections.RegisteredToSomeoneElse);
            if (kit.Status == KitStatus.Rejected) return Reject(Rejections.KitUsed);
            return SameData(kit, request) ? RegistrationDecision.Accept(RegistrationDecision.Repeat) : Reject(Rejections.AlreadyRegistered);
        }
        if (order?.Status == OrderStatus.Cancelled) return Reject(Rejections.OrderCancelled);
        if (request.CollectedAt < kit.ShippedAt) return Reject(Rejections.CollectedBeforeShipping);
        if (LocalDate(request.CollectedAt, customer.TimeZone) > kit.ExpiresOn) return Reject(Rejections.KitExpired);
        if (customer.DateOfBirth is null || string.IsNullOrWhiteSpace(customer.GivenName) || string.IsNullOrWhiteSpace(customer.FamilyName))
        {
            return Reject(Rejections.ProfileIncomplete);
        }
        return RegistrationDecision.Accept(order is null || order.CustomerId == customer.Id ? RegistrationDecision.OwnOrder : RegistrationDecision.Gift);
    }

    static RegistrationDecision Reject(string code) => RegistrationDecision.Reject(code);

    static bool SameData(Kit kit, KitRegistrationRequested request) =>
        kit.CollectedAt is { } collected
        // PostgreSQL keeps microseconds; .NET ticks are 100 ns.
        && Math.Abs((collected - request.CollectedAt).Ticks) < TimeSpan.TicksPerMillisecond
        && kit.ConsentToTesting == request.ConsentToTesting
        && kit.ConsentToResearch == request.ConsentToResearch;

    /// <summary>The expiry printed on the box is a calendar date where the patient lives.</summary>
    public static DateOnly LocalDate(DateTimeOffset at, string timeZone) =>
        DateOnly.FromDateTime(TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone)
            ? TimeZoneInfo.ConvertTime(at, zone).DateTime
            : at.UtcDateTime);
}
