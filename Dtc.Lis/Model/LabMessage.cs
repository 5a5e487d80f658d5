namespace Dtc.Lis;

/// <summary>One LIS message, whatever its wire format, reduced to what the result pipeline needs.</summary>
public sealed record LabMessage
{
    /// <summary><see cref="LabMessageFormats.Hl7v2"/> or <see cref="LabMessageFormats.Fhir"/>.</summary>
    public required string Format { get; init; }

    /// <summary>MSH-10, or the FHIR Bundle identifier (else its id): a repeat of the same message has no effect.</summary>
    public required string SourceMessageId { get; init; }

    public required DateTimeOffset MessageTime { get; init; }
    public SendingLab? SendingLab { get; init; }
    public required LabPatient Patient { get; init; }

    /// <summary>One per OBR group (HL7) or DiagnosticReport (FHIR); never empty.</summary>
    public required IReadOnlyList<LabReportMessage> Reports { get; init; }
}

public static class LabMessageFormats
{
    public const string Hl7v2 = "hl7v2";
    public const string Fhir = "fhir";
}

/// <summary>MSH-4 sending facility (HD: namespace id, universal id, universal id type such as CLIA).</summary>
public sealed record SendingLab(string Name, string? Id, string? IdType);

/// <summary>The patient as the lab names them: checked against the kit's owner, never trusted to pick one.</summary>
public sealed record LabPatient
{
    public required IReadOnlyList<PatientIdentifier> Identifiers { get; init; }
    public string? FamilyName { get; init; }
    public string? GivenName { get; init; }
    public DateOnly? BirthDate { get; init; }
}

/// <summary>PID-3 (CX) or FHIR Identifier. Authority is CX-4 or Identifier.system; Type is CX-5 or Identifier.type.</summary>
public sealed record PatientIdentifier(string Value, string? Authority, string? Type);
