namespace Dtc.Messaging.Contracts;

public sealed record AddressData(string Line1, string? Line2, string City, string? Region, string PostalCode, string Country);

public sealed record CustomerRegistered(Guid CustomerId, string Email, string GivenName, string FamilyName, DateOnly? DateOfBirth, long Version) : IMessage
{
    public static string MessageType => "customer.registered";
}

public sealed record CustomerProfileUpdated(
    Guid CustomerId, long Version, string GivenName, string FamilyName, DateOnly? DateOfBirth,
    string? Phone, AddressData? ShippingAddress, string TimeZone) : IMessage
{
    public static string MessageType => "customer.profile-updated";
}

public sealed record CustomerPreferencesChanged(Guid CustomerId, long Version, bool ResultsByEmail, bool ResultsBySms, bool Marketing) : IMessage
{
    public static string MessageType => "customer.preferences-changed";
}

public sealed record CustomerClosureRequested(Guid CustomerId, DateTimeOffset RequestedAt) : IMessage
{
    public static string MessageType => "customer.closure-requested";
}

/// <summary>From the CRM / support back office: only the fields it sets are non-null.</summary>
public sealed record CrmCustomerUpdated(
    Guid CustomerId, long Version, DateTimeOffset UpdatedAt, string? Email, string? GivenName, string? FamilyName,
    string? Phone, AddressData? ShippingAddress, bool? Marketing) : IMessage
{
    public static string MessageType => "crm.customer-updated";
}

/// <summary>
/// For the fulfilment partner (queue <c>fulfilment.outbound</c>): the customer's current shipping contact
/// after a change. Not a <c>customer.*</c> key, so it never loops back to consumer-customer. The receiver
/// keeps the highest <paramref name="Version"/>; an older or repeated one changes nothing.
/// </summary>
public sealed record FulfilmentContactChanged(
    Guid CustomerId, long Version, string GivenName, string FamilyName, string Email, string? Phone,
    AddressData? ShippingAddress, DateTimeOffset ChangedAt) : IMessage
{
    public static string MessageType => "fulfilment.contact-changed";
}
