using Hl7.Fhir.Model;

namespace Dtc.Lis.Fhir;

/// <summary>Finds the kit barcode and the accession among a report's identifiers.</summary>
internal static class FhirIdentifiers
{
    /// <summary>
    /// The kit identifier DTC sent in lis.order (system urn:dtc:kit) wherever the lab echoes it;
    /// failing that, a placer (PLAC) order identifier, then the specimen's own identifier.
    /// </summary>
    public static string? KitBarcode(DiagnosticReport dr, IReadOnlyList<ServiceRequest> orders, Specimen? specimen)
    {
        Identifier[] all =
        [
            .. dr.BasedOn.Select(r => r.Identifier).OfType<Identifier>(),
            .. orders.SelectMany(o => o.Identifier),
            .. dr.Identifier,
            .. specimen?.Identifier ?? [],
        ];
        var kit = all.FirstOrDefault(i => i.System == FhirValues.KitSystem && HasValue(i))
            ?? all.FirstOrDefault(i => FhirValues.HasType(i, "PLAC") && HasValue(i))
            ?? specimen?.Identifier.FirstOrDefault(HasValue);
        return FhirValues.NullIfEmpty(kit?.Value);
    }

    /// <summary>The report's own identifier (filler, FILL, preferred), else the specimen's accession identifier.</summary>
    public static string? Accession(DiagnosticReport dr, Specimen? specimen)
    {
        var own = dr.Identifier.Where(i => i.System != FhirValues.KitSystem && HasValue(i)).ToList();
        var accession = own.FirstOrDefault(i => FhirValues.HasType(i, "FILL")) ?? own.FirstOrDefault()
            ?? (specimen?.AccessionIdentifier is { } a && HasValue(a) ? a : null);
        return FhirValues.NullIfEmpty(accession?.Value);
    }

    private static bool HasValue(Identifier i) => !string.IsNullOrWhiteSpace(i.Value);
}
