namespace Dtc.Messaging.Contracts;

/// <summary>From fulfilment: a kit left the warehouse for an order.</summary>
public sealed record KitShipped(Guid OrderId, string Barcode, string ProductCode, DateOnly ExpiresOn, DateTimeOffset ShippedAt) : IMessage
{
    public static string MessageType => "kit.shipped";
}

public sealed record KitRegistrationRequested(
    Guid RegistrationId, Guid CustomerId, string Barcode, DateTimeOffset CollectedAt,
    bool ConsentToTesting, bool ConsentToResearch, DateTimeOffset RequestedAt) : IMessage
{
    public static string MessageType => "kit.registration-requested";
}

public sealed record KitRegistered(Guid RegistrationId, Guid KitId, string Barcode, Guid CustomerId, DateTimeOffset CollectedAt) : IMessage
{
    public static string MessageType => "kit.registered";
}

public sealed record KitRegistrationRejected(Guid RegistrationId, string Barcode, Guid CustomerId, string ReasonCode, string Reason) : IMessage
{
    public static string MessageType => "kit.registration-rejected";
}

/// <summary>The requisition the lab needs to accept the specimen.</summary>
public sealed record LisOrder(
    Guid KitId, string Barcode, string PatientNumber, string GivenName, string FamilyName, DateOnly? DateOfBirth,
    string PanelCode, string ProductCode, DateTimeOffset CollectedAt) : IMessage
{
    public static string MessageType => "lis.order";
}
