namespace Dtc.Data.Results;

public static class ReportStatus
{
    public const string Preliminary = "preliminary";
    public const string Final = "final";
    public const string Corrected = "corrected";
    public const string Cancelled = "cancelled";
    public const string EnteredInError = "entered-in-error";
}

/// <summary>A lab report for one kit and panel. The current content is its latest version.</summary>
public class LabReport
{
    public Guid Id { get; set; }
    public Guid KitId { get; set; }
    public Guid CustomerId { get; set; }
    /// <summary>Filler order number (OBR-3).</summary>
    public required string Accession { get; set; }
    public required string PanelCode { get; set; }
    public string PanelDisplay { get; set; } = "";
    public required string Status { get; set; }
    public int CurrentVersion { get; set; }
    /// <summary>Issue time of the current version (OBR-22): versions are ordered by it.</summary>
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset? CollectedAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public PerformingLab? Lab { get; set; }
    /// <summary>Whether the patient may see this report (see README: release rules).</summary>
    public bool Released { get; set; }
    public DateTimeOffset? ViewedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<ReportVersion> Versions { get; set; } = [];
}

public class PerformingLab
{
    public string Name { get; set; } = "";
    public string? Address { get; set; }
    public string? Director { get; set; }
}

/// <summary>One version of a report as the lab sent it; never overwritten, only superseded.</summary>
public class ReportVersion
{
    public Guid Id { get; set; }
    public Guid ReportId { get; set; }
    public int Number { get; set; }
    public required string Status { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    /// <summary>MSH-10 or the FHIR bundle identifier: a repeat of the same message has no effect on this report.</summary>
    public required string SourceMessageId { get; set; }
    public required string SourceFormat { get; set; }
    public DateTimeOffset? SupersededAt { get; set; }
    /// <summary>The lab's comments on the report (NTE after OBR, FHIR conclusion), one per line.</summary>
    public string? Notes { get; set; }
    public List<Observation> Observations { get; set; } = [];
}

public class Observation
{
    public Guid Id { get; set; }
    public Guid VersionId { get; set; }
    public int Sequence { get; set; }
    public required string Code { get; set; }
    public string CodeSystem { get; set; } = "LN";
    public string Display { get; set; } = "";
    public string ValueType { get; set; } = "NM";
    public decimal? NumericValue { get; set; }
    public string? TextValue { get; set; }
    public string? Unit { get; set; }
    public string? ReferenceRange { get; set; }
    public decimal? ReferenceLow { get; set; }
    public decimal? ReferenceHigh { get; set; }
    public string? Flag { get; set; }
    public required string Status { get; set; }
    public DateTimeOffset? ObservedAt { get; set; }
    /// <summary>The lab's comments on this value (NTE after OBX, FHIR note), one per line.</summary>
    public string? Notes { get; set; }
}

/// <summary>A LIS message that could not be attached to a patient: kept whole with the reason, never shown to anyone.</summary>
public class QuarantinedMessage
{
    public Guid Id { get; set; }
    public Guid MessageId { get; set; }
    public string? SourceMessageId { get; set; }
    public string? Barcode { get; set; }
    public required string ContentType { get; set; }
    public required string Raw { get; set; }
    public required string ReasonCode { get; set; }
    public required string Reason { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
}
