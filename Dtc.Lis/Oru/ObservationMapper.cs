using System.Diagnostics.CodeAnalysis;
using Dtc.Lis.Common;

namespace Dtc.Lis.Oru;

internal static class ObservationMapper
{
    public static bool TryMap(
        ObservationGroup group, int sequence, [NotNullWhen(true)] out LabObservation? observation, [NotNullWhen(false)] out LisParseError? error)
    {
        observation = null;
        var obx = group.Obx;
        var code = obx[3].First;
        if (string.IsNullOrWhiteSpace(code.Value))
        {
            error = new(LisErrorCodes.MissingField, $"{obx.Where(3)} (observation code) is empty");
            return false;
        }

        var statusCode = obx[11].Value;
        var status = Statuses.FromObservationStatus(statusCode);
        if (status is null)
        {
            error = string.IsNullOrWhiteSpace(statusCode)
                ? new(LisErrorCodes.MissingField, $"{obx.Where(11)} (observation status) is empty")
                : new(LisErrorCodes.BadStatus, $"{obx.Where(11)}{Hl7Format.Code(statusCode)} is not an observation status (table 0085)");
            return false;
        }

        var valueType = obx[2].Value.Trim().ToUpperInvariant();
        if (!ObxValue.TryRead(obx, valueType, out var value, out error)
            || !Hl7Format.TryTime(obx[14].Value, obx.Where(14), out var observedAt, out error))
            return false;

        // OBX-7 is free text; read it whole so that a stray delimiter cannot cut it short.
        var range = Hl7Format.NullIfEmpty(obx[7].First.Text);
        var (low, high) = ReferenceRange.Parse(range);
        observation = new LabObservation
        {
            Sequence = sequence,
            SubId = Hl7Format.NullIfEmpty(obx[4].Value),
            Code = code.Value.Trim(),
            Display = code.Component(2).Value.Trim(),
            CodeSystem = Hl7Format.NullIfEmpty(code.Component(3).Value),
            ValueType = valueType,
            NumericValue = value.Numeric,
            TextValue = value.Text,
            Comparator = value.Comparator,
            CodedValue = value.Coded,
            Unit = Hl7Format.NullIfEmpty(obx[6].Value) ?? Hl7Format.NullIfEmpty(obx[6].Component(2).Value),
            ReferenceRange = range,
            ReferenceLow = low,
            ReferenceHigh = high,
            Flag = obx[8].Repetitions.Select(r => Interpretation.Normalise(r.Value)).FirstOrDefault(f => f is not null),
            Status = status,
            ObservedAt = observedAt,
            Notes = NoteText.Of(group.Notes),
        };
        return true;
    }
}
