namespace Dtc.LisSimulator;

/// <summary>One result a panel reports: LOINC code, units and reference range, and how values spread in people who test.</summary>
public sealed record Analyte(string Code, string Display, string? Unit, string Range, decimal? Low, decimal? High, double Mean, double Spread, int Decimals)
{
    /// <summary>A qualitative result (CWE): detected or not, with the share of positives.</summary>
    public bool Qualitative => Unit is null;

    public decimal Draw(Random random)
    {
        // Box–Muller: lab values cluster around a mean; clamped above zero.
        var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Math.Round((decimal)Math.Max(Mean + Spread * normal, Spread / 10), Decimals);
    }

    public string Flag(decimal value) => value < Low ? "L" : value > High ? "H" : "N";
}

public sealed record Panel(string Code, string Display, IReadOnlyList<Analyte> Analytes);

/// <summary>The catalogue's panels (Dtc.Data.Catalogue) with what the lab reports for each.</summary>
public static class Panels
{
    public static readonly IReadOnlyDictionary<string, Panel> ByCode = new Panel[]
    {
        new("57698-3", "Lipid panel with direct LDL - Serum or Plasma",
        [
            new("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL", "<200", null, 200, 190, 35, 0),
            new("2571-8", "Triglyceride [Mass/volume] in Serum or Plasma", "mg/dL", "<150", null, 150, 130, 50, 0),
            new("2085-9", "Cholesterol in HDL [Mass/volume] in Serum or Plasma", "mg/dL", ">=40", 40, null, 55, 15, 0),
            new("18262-6", "Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay", "mg/dL", "<100", null, 100, 110, 30, 0),
        ]),
        new("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood",
        [
            new("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%", "4.0-5.6", 4.0m, 5.6m, 5.6, 0.7, 1),
        ]),
        new("62292-8", "25-Hydroxyvitamin D2+D3 [Mass/volume] in Serum or Plasma",
        [
            new("62292-8", "25-Hydroxyvitamin D2+D3 [Mass/volume] in Serum or Plasma", "ng/mL", "30-100", 30, 100, 32, 12, 1),
        ]),
        new("58410-2", "CBC panel - Blood by Automated count",
        [
            new("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*3/uL", "4.5-11.0", 4.5m, 11.0m, 7, 1.8, 1),
            new("789-8", "Erythrocytes [#/volume] in Blood by Automated count", "10*6/uL", "4.2-5.9", 4.2m, 5.9m, 4.9, 0.5, 2),
            new("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", "12.0-17.5", 12.0m, 17.5m, 14.2, 1.4, 1),
            new("4544-3", "Hematocrit [Volume Fraction] of Blood by Automated count", "%", "36-52", 36, 52, 42, 4, 1),
            new("777-3", "Platelets [#/volume] in Blood by Automated count", "10*3/uL", "150-400", 150, 400, 260, 60, 0),
        ]),
        new("STI-4", "STI panel (4 infections)",
        [
            new("43304-5", "Chlamydia trachomatis rRNA [Presence] in Specimen by NAA with probe detection", null, "Not detected", null, null, 0.04, 0, 0),
            new("43305-2", "Neisseria gonorrhoeae rRNA [Presence] in Specimen by NAA with probe detection", null, "Not detected", null, null, 0.02, 0, 0),
            new("56888-1", "HIV 1+2 Ab+HIV1 p24 Ag [Presence] in Serum or Plasma by Immunoassay", null, "Not detected", null, null, 0.005, 0, 0),
            new("20507-0", "Reagin Ab [Presence] in Serum by RPR", null, "Not detected", null, null, 0.01, 0, 0),
        ]),
    }.ToDictionary(p => p.Code);

    /// <summary>The kit's panel; a kit without a known product is tested for A1c.</summary>
    public static Panel For(string? panelCode) => panelCode is not null && ByCode.TryGetValue(panelCode, out var panel) ? panel : ByCode["4548-4"];
}
