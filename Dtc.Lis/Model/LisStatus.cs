namespace Dtc.Lis;

/// <summary>Report and observation statuses, spelled as DESIGN §2 and the data model spell them.</summary>
public static class LisStatus
{
    public const string Preliminary = "preliminary";
    public const string Final = "final";
    public const string Corrected = "corrected";
    public const string Cancelled = "cancelled";
    public const string EnteredInError = "entered-in-error";
}

/// <summary>The interpretation flags DESIGN §2 keeps; anything else a lab sends is dropped, not guessed.</summary>
public static class InterpretationFlags
{
    public const string Normal = "N";
    public const string Low = "L";
    public const string High = "H";
    public const string CriticalLow = "LL";
    public const string CriticalHigh = "HH";
    public const string Abnormal = "A";
    public const string CriticalAbnormal = "AA";
    public const string Positive = "POS";
    public const string Negative = "NEG";
    public const string Detected = "DET";
    public const string NotDetected = "ND";
}
