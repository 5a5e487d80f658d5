namespace Dtc.Lis;

/// <summary>One report (an OBR group or a DiagnosticReport) for one kit and panel.</summary>
public sealed record LabReportMessage
{
    /// <summary>OBR-2 placer order number (else ORC-2, else SPM-2); FHIR: the kit identifier.</summary>
    public required string KitBarcode { get; init; }

    /// <summary>OBR-3 filler order number.</summary>
    public required string Accession { get; init; }

    public required string PanelCode { get; init; }
    public string PanelDisplay { get; init; } = "";
    public string? PanelCodeSystem { get; init; }

    /// <summary>OBR-7, else SPM-17.</summary>
    public DateTimeOffset? CollectedAt { get; init; }

    /// <summary>OBR-22; when absent, the message time, so that versions can still be ordered.</summary>
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>One of <see cref="LisStatus"/>.</summary>
    public required string Status { get; init; }

    public PerformingLab? PerformingLab { get; init; }
    public SpecimenRejection? SpecimenRejection { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];
    public IReadOnlyList<LabObservation> Observations { get; init; } = [];
}

/// <summary>OBX-23/24/25: organisation name, address (one line), medical director.</summary>
public sealed record PerformingLab(string Name, string? Address, string? Director);

/// <summary>SPM-21 (HL7 table 0490), e.g. RH Hemolysis: the kit is rejected and the patient recollects.</summary>
public sealed record SpecimenRejection(string? Code, string? Text, string? CodeSystem);
