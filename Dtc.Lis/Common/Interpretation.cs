namespace Dtc.Lis.Common;

/// <summary>Maps HL7 table 0078 (OBX-8) and FHIR v3 ObservationInterpretation codes to our flags.</summary>
internal static class Interpretation
{
    private static readonly Dictionary<string, string> Flags = new(StringComparer.OrdinalIgnoreCase)
    {
        ["N"] = InterpretationFlags.Normal,
        ["L"] = InterpretationFlags.Low,
        ["H"] = InterpretationFlags.High,
        ["LL"] = InterpretationFlags.CriticalLow,
        ["HH"] = InterpretationFlags.CriticalHigh,
        ["A"] = InterpretationFlags.Abnormal,
        ["AA"] = InterpretationFlags.CriticalAbnormal,
        ["POS"] = InterpretationFlags.Positive,
        ["NEG"] = InterpretationFlags.Negative,
        ["DET"] = InterpretationFlags.Detected,
        ["ND"] = InterpretationFlags.NotDetected,
        // Below/above the instrument's scale: out of range on that side.
        ["<"] = InterpretationFlags.Low,
        [">"] = InterpretationFlags.High,
    };

    /// <summary>Null for an absent flag and for one we do not show (e.g. "IND", trend flags "U"/"D").</summary>
    public static string? Normalise(string? code) =>
        code is not null && Flags.TryGetValue(code.Trim(), out var flag) ? flag : null;
}
