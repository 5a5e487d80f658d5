namespace Dtc.Data.Audit;

/// <summary>Append-only record of a read or change of PHI.</summary>
public class AuditEvent
{
    public long Id { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public Guid? ActorId { get; set; }
    public required string Action { get; set; }
    public Guid? CustomerId { get; set; }
    public required string ResourceType { get; set; }
    public string? ResourceId { get; set; }
    public string? ClientAddress { get; set; }
    public string? TraceId { get; set; }
}
