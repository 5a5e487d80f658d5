using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Dtc.Lis.Common;
using Hl7.Fhir.Model;
using FhirRange = Hl7.Fhir.Model.Range;

namespace Dtc.Lis.Fhir;

internal static class FhirObservationMapper
{
    public static bool TryMap(
        Observation source, int sequence, string where, [NotNullWhen(true)] out LabObservation? observation, [NotNullWhen(false)] out LisParseError? error)
    {
        observation = null;
        var code = FhirValues.FirstCoding(source.Code);
        if (code is null)
        {
            error = new(LisErrorCodes.MissingField, $"{where}.code has no coding with a code");
            return false;
        }

        var status = StatusOf(source.Status);
        if (status is null)
        {
            error = new(LisErrorCodes.MissingField, $"{where}.status is missing or unknown");
            return false;
        }

        if (!FhirValues.TryTime(source.Effective, $"{where}.effective", out var observedAt, out error))
            return false;

        var value = ValueOf(source.Value);
        var range = source.ReferenceRange.FirstOrDefault();
        var rangeText = FhirValues.NullIfEmpty(range?.Text) ?? RangeText(range);
        var (low, high) = (range?.Low?.Value, range?.High?.Value);
        if (low is null && high is null)
            (low, high) = ReferenceRange.Parse(rangeText);

        observation = new LabObservation
        {
            Sequence = sequence,
            Code = code.Value.Code,
            CodeSystem = code.Value.System,
            Display = code.Value.Display ?? FhirValues.NullIfEmpty(source.Code.Text) ?? "",
            ValueType = value.Type,
            NumericValue = value.Numeric,
            TextValue = value.Text,
            Comparator = value.Comparator,
            CodedValue = value.Coded,
            Unit = value.Unit,
            ReferenceRange = rangeText,
            ReferenceLow = low,
            ReferenceHigh = high,
            Flag = source.Interpretation.SelectMany(i => i.Coding).Select(c => Interpretation.Normalise(c.Code)).FirstOrDefault(f => f is not null),
            Status = status,
            ObservedAt = observedAt,
            Notes = [.. source.Note.Select(n => n.Text?.Trim() ?? "").Where(t => t.Length > 0)],
        };
        return true;
    }

    private readonly record struct Value(string Type, decimal? Numeric = null, string? Text = null, string? Comparator = null, CodedValue? Coded = null, string? Unit = null);

    /// <summary>The value as the HL7 type it would have had, so both formats read alike downstream.</summary>
    private static Value ValueOf(DataType? value) => value switch
    {
        null => new(""),
        Quantity { Comparator: { } c } q => new("SN", Text: $"{Comparator(c)}{Invariant(q.Value)}", Comparator: Comparator(c), Unit: UnitOf(q)),
        Quantity q => new("NM", Numeric: q.Value, Unit: UnitOf(q)),
        Integer i => new("NM", Numeric: i.Value),
        FhirString s => new("ST", Text: FhirValues.NullIfEmpty(s.Value)),
        CodeableConcept cc => Coded(cc),
        FhirRange r => new("SN", Text: $"{Invariant(r.Low?.Value)}-{Invariant(r.High?.Value)}", Unit: UnitOf(r.Low ?? r.High)),
        Ratio r => new("SN", Text: $"{Invariant(r.Numerator?.Value)}:{Invariant(r.Denominator?.Value)}"),
        PrimitiveType p => new("ST", Text: FhirValues.NullIfEmpty(p.ToString())),
        _ => new(value.TypeName),
    };

    private static Value Coded(CodeableConcept cc)
    {
        var coding = FhirValues.FirstCoding(cc);
        var display = coding?.Display ?? FhirValues.NullIfEmpty(cc.Text);
        var coded = coding is { } c ? new CodedValue(c.Code, display, c.System) : null;
        return new("CWE", Text: display ?? coded?.Code, Coded: coded);
    }

    private static string? RangeText(Observation.ReferenceRangeComponent? range) => (range?.Low?.Value, range?.High?.Value) switch
    {
        ({ } low, { } high) => $"{Invariant(low)}-{Invariant(high)}",
        ({ } low, null) => $">={Invariant(low)}",
        (null, { } high) => $"<={Invariant(high)}",
        _ => null,
    };

    private static string? UnitOf(Quantity? q) => FhirValues.NullIfEmpty(q?.Unit) ?? FhirValues.NullIfEmpty(q?.Code);

    private static string Invariant(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static string Comparator(Quantity.QuantityComparator c) => c switch
    {
        Quantity.QuantityComparator.LessThan => "<",
        Quantity.QuantityComparator.LessOrEqual => "<=",
        Quantity.QuantityComparator.GreaterOrEqual => ">=",
        _ => ">",
    };

    private static string? StatusOf(ObservationStatus? status) => status switch
    {
        ObservationStatus.Registered or ObservationStatus.Preliminary => LisStatus.Preliminary,
        ObservationStatus.Final => LisStatus.Final,
        ObservationStatus.Amended or ObservationStatus.Corrected => LisStatus.Corrected,
        ObservationStatus.Cancelled => LisStatus.Cancelled,
        ObservationStatus.EnteredInError => LisStatus.EnteredInError,
        _ => null,
    };
}
