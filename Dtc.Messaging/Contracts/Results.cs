namespace Dtc.Messaging.Contracts;

/// <summary>The raw LIS result message type (body HL7 v2 ER7 or FHIR R4 JSON, by content type).</summary>
public static class LisResult
{
    public const string MessageType = "lis.result";
    public const string Hl7ContentType = "x-application/hl7-v2+er7";
    public const string FhirContentType = "application/fhir+json";
}

public sealed record ResultReleased(Guid ReportId, Guid KitId, Guid CustomerId, int Version, string Status, DateTimeOffset IssuedAt) : IMessage
{
    public static string MessageType => "result.released";
}

public sealed record SpecimenRejected(Guid KitId, Guid CustomerId, string Barcode, string ReasonCode, string Reason) : IMessage
{
    public static string MessageType => "specimen.rejected";
}
