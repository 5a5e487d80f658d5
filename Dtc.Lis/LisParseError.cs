namespace Dtc.Lis;

/// <summary>
/// Why a message was refused. <see cref="Detail"/> names the segment and field (or FHIR element)
/// but never repeats a value from the message: it ends up in logs, and values are PHI.
/// </summary>
public sealed record LisParseError(string Code, string Detail)
{
    public override string ToString() => $"{Code}: {Detail}";
}

/// <summary>Machine reason codes of <see cref="LisParseError"/>; stable, quarantine rows store them.</summary>
public static class LisErrorCodes
{
    public const string Empty = "empty";
    public const string UnsupportedContentType = "unsupported-content-type";
    public const string NotHl7 = "not-hl7";
    public const string Truncated = "truncated";
    public const string BadEncodingCharacters = "bad-encoding-characters";
    public const string BadSegment = "bad-segment";
    public const string UnexpectedSegment = "unexpected-segment";
    public const string UnsupportedVersion = "unsupported-version";
    public const string NotOruR01 = "not-oru-r01";
    public const string NoObr = "no-obr";
    public const string MissingField = "missing-field";
    public const string BadDate = "bad-date";
    public const string NonNumericNm = "non-numeric-nm";
    public const string BadSn = "bad-sn";
    public const string BadStatus = "bad-status";
    public const string MultiplePatients = "multiple-patients";
    public const string BadFhir = "bad-fhir";
    public const string UnsupportedResource = "unsupported-resource";

    /// <summary>A bug in this library, not in the message: the parser is written never to produce it.</summary>
    public const string Internal = "internal-error";
}
