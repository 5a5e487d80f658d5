using Dtc.Lis;

namespace Dtc.Consumers.Lis;

/// <summary>Why the lab could not test a sample (HL7 table 0490), in words the patient reads on their kit.</summary>
public static class SpecimenRejections
{
    /// <summary>A cancelled report that names no reason.</summary>
    public const string NotTested = "not-tested";

    const string Identity = "We could not confirm that the sample is yours: the tube's label or details were missing or did not match. ";
    const string Recollect = "Please collect a new sample with a replacement kit.";

    static readonly Dictionary<string, (string Name, string Words)> table = new(StringComparer.OrdinalIgnoreCase)
    {
        ["EX"] = ("expired", "The kit had expired when the sample was taken, so the lab could not test it. "),
        ["QS"] = ("quantity not sufficient", "There was not enough sample in the tube to run the test. "),
        ["RA"] = ("missing patient id", Identity),
        ["RB"] = ("broken container", "The sample container arrived broken or leaking. "),
        ["RC"] = ("clotting", "The blood sample had clotted, so it could not be tested. "),
        ["RD"] = ("missing collection date", "The collection date and time were missing from the sample. "),
        ["RE"] = ("missing patient name", Identity),
        ["RH"] = ("hemolysis", "The blood cells in the sample were damaged (haemolysis). This often happens when the finger is squeezed hard or the sample is delayed in the post. "),
        ["RI"] = ("identification problem", Identity),
        ["RM"] = ("labeling", Identity),
        ["RN"] = ("contamination", "The sample was contaminated. "),
        ["RP"] = ("missing phlebotomist id", Identity),
        ["RR"] = ("improper storage", "The sample was not kept at the right temperature, or took too long to reach the lab. "),
        ["RS"] = ("name misspelling", Identity),
    };

    /// <summary>
    /// The reason code (the table 0490 code, or <see cref="NotTested"/>) and the patient's words. Without
    /// SPM-21 the lab's note on a cancelled report is matched against the table's names ("hemolyzed" → RH).
    /// </summary>
    public static (string Code, string Words) Describe(SpecimenRejection? rejection, IEnumerable<string> notes)
    {
        var code = rejection?.Code is { } c && table.ContainsKey(c) ? c : null;
        code ??= FromText(rejection?.Text) ?? notes.Select(FromText).FirstOrDefault(found => found is not null);
        return code is null
            ? (NotTested, "The lab could not test your sample. " + Recollect)
            : (code.ToUpperInvariant(), table[code].Words + Recollect);
    }

    static string? FromText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var lower = text.ToLowerInvariant();
        if (lower.Contains("hemoly") || lower.Contains("haemoly")) return "RH";
        if (lower.Contains("clot")) return "RC";
        if (lower.Contains("qns") || lower.Contains("insufficient") || lower.Contains("not sufficient")) return "QS";
        if (lower.Contains("leak") || lower.Contains("broken")) return "RB";
        if (lower.Contains("contamin")) return "RN";
        if (lower.Contains("expired")) return "EX";
        if (lower.Contains("temperature") || lower.Contains("too old") || lower.Contains("stability")) return "RR";
        return table.FirstOrDefault(e => lower.Contains(e.Value.Name)).Key;
    }
}
