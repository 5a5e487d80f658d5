namespace Dtc.Lis;

/// <summary>One result value (an OBX or a FHIR Observation).</summary>
public sealed record LabObservation
{
    /// <summary>1-based position within its report.</summary>
    public required int Sequence { get; init; }

    /// <summary>OBX-4, which tells apart repeated codes in one report.</summary>
    public string? SubId { get; init; }

    public required string Code { get; init; }

    /// <summary>HL7 coding system name ("LN" for LOINC); FHIR URIs of well-known systems are mapped to these.</summary>
    public string? CodeSystem { get; init; }

    public string Display { get; init; } = "";

    /// <summary>OBX-2 (NM, ST, TX, FT, SN, CWE...); for FHIR the HL7 type the value would have had.</summary>
    public string ValueType { get; init; } = "";

    /// <summary>Set only for an exact number: a value with a comparator (&gt;1000) is not one.</summary>
    public decimal? NumericValue { get; init; }

    /// <summary>Text results, coded results' display, and non-exact SN values such as "&gt;1000" or "1:128".</summary>
    public string? TextValue { get; init; }

    /// <summary>"&lt;", "&gt;", "&lt;=", "&gt;=" or "&lt;&gt;" when the value is bounded rather than exact.</summary>
    public string? Comparator { get; init; }

    /// <summary>CWE/CE value (or valueCodeableConcept) as sent.</summary>
    public CodedValue? CodedValue { get; init; }

    public string? Unit { get; init; }
    public string? ReferenceRange { get; init; }
    public decimal? ReferenceLow { get; init; }
    public decimal? ReferenceHigh { get; init; }

    /// <summary>One of <see cref="InterpretationFlags"/>, or null when absent or not one of ours.</summary>
    public string? Flag { get; init; }

    /// <summary>One of <see cref="LisStatus"/>.</summary>
    public required string Status { get; init; }

    public DateTimeOffset? ObservedAt { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];
}

public sealed record CodedValue(string Code, string? Display, string? System);
