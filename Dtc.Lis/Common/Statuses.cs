namespace Dtc.Lis.Common;

/// <summary>HL7 v2 status codes to <see cref="LisStatus"/>; null for a code that is not a result status.</summary>
internal static class Statuses
{
    /// <summary>OBR-25 (table 0123). A (some results) and R (not verified) are not final yet.</summary>
    public static string? FromReportStatus(string code) => code.Trim().ToUpperInvariant() switch
    {
        "P" or "A" or "R" => LisStatus.Preliminary,
        "F" => LisStatus.Final,
        "C" => LisStatus.Corrected,
        "X" => LisStatus.Cancelled,
        _ => null,
    };

    /// <summary>OBX-11 (table 0085). U turns a preliminary result final without resending it.</summary>
    public static string? FromObservationStatus(string code) => code.Trim().ToUpperInvariant() switch
    {
        "F" or "U" => LisStatus.Final,
        "P" or "R" or "S" or "I" => LisStatus.Preliminary,
        "C" => LisStatus.Corrected,
        "D" or "W" => LisStatus.EnteredInError,
        "X" or "N" => LisStatus.Cancelled,
        _ => null,
    };
}
