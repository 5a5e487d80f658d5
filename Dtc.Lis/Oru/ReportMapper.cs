using System.Diagnostics.CodeAnalysis;
using Dtc.Lis.Common;
using Dtc.Lis.Hl7;

namespace Dtc.Lis.Oru;

/// <summary>Maps one OBR group to a <see cref="LabReportMessage"/>.</summary>
internal static class ReportMapper
{
    public static bool TryMap(
        OrderGroup group, DateTimeOffset messageTime, [NotNullWhen(true)] out LabReportMessage? report, [NotNullWhen(false)] out LisParseError? error)
    {
        report = null;
        var obr = group.Obr;
        var spm = group.Specimens.FirstOrDefault();

        // OBR-2 and ORC-2 both carry the placer order number; SPM-2.1 (placer specimen id) is the tube.
        var barcode = Hl7Format.NullIfEmpty(obr[2].Value) ?? Hl7Format.NullIfEmpty(group.Orc?[2].Value ?? "")
            ?? Hl7Format.NullIfEmpty(spm?[2].Value ?? "");
        if (barcode is null)
            return Missing(obr.Where(2) + " (kit barcode; no ORC-2 or SPM-2 either)", out error);

        var accession = Hl7Format.NullIfEmpty(obr[3].Value) ?? Hl7Format.NullIfEmpty(group.Orc?[3].Value ?? "");
        if (accession is null)
            return Missing(obr.Where(3) + " (accession, filler order number)", out error);

        var panel = obr[4].First;
        if (string.IsNullOrWhiteSpace(panel.Value))
            return Missing(obr.Where(4) + " (panel, universal service id)", out error);

        var statusCode = obr[25].Value;
        var status = Statuses.FromReportStatus(statusCode);
        if (status is null)
        {
            error = string.IsNullOrWhiteSpace(statusCode)
                ? new(LisErrorCodes.MissingField, $"{obr.Where(25)} (result status) is empty")
                : new(LisErrorCodes.BadStatus, $"{obr.Where(25)}{Hl7Format.Code(statusCode)} is not a reporting status (P, F, C, X)");
            return false;
        }

        if (!Hl7Format.TryTime(obr[7].Value, obr.Where(7), out var collectedAt, out error)
            || !Hl7Format.TryTime(obr[22].Value, obr.Where(22), out var issuedAt, out error))
            return false;

        // SPM-17 is a DR (range) whose first component is the start time.
        if (collectedAt is null && spm is not null && !Hl7Format.TryTime(spm[17].Value, spm.Where(17), out collectedAt, out error))
            return false;

        var observations = new List<LabObservation>(group.Observations.Count);
        foreach (var obx in group.Observations)
        {
            if (!ObservationMapper.TryMap(obx, observations.Count + 1, out var observation, out error))
                return false;
            observations.Add(observation);
        }

        report = new LabReportMessage
        {
            KitBarcode = barcode,
            Accession = accession,
            PanelCode = panel.Value.Trim(),
            PanelDisplay = panel.Component(2).Value.Trim(),
            PanelCodeSystem = Hl7Format.NullIfEmpty(panel.Component(3).Value),
            CollectedAt = collectedAt,
            // OBR-22 orders versions; the message time is the next best thing when a lab leaves it out.
            IssuedAt = issuedAt ?? messageTime,
            Status = status,
            PerformingLab = PerformingLabOf(group),
            SpecimenRejection = RejectionOf(spm),
            Notes = NoteText.Of(group.Notes),
            Observations = observations,
        };
        return true;
    }

    /// <summary>OBX-23/24/25 repeat on every OBX; the first OBX that names a lab speaks for the report.</summary>
    private static PerformingLab? PerformingLabOf(OrderGroup group)
    {
        var obx = group.Observations.Select(o => o.Obx).FirstOrDefault(o => !string.IsNullOrWhiteSpace(o[23].Value));
        return obx is null
            ? null
            : new PerformingLab(obx[23].Value.Trim(), Hl7Format.Address(obx[24].First), Hl7Format.Person(obx[25].First));
    }

    /// <summary>SPM-21 (CWE, table 0490): code^text^system, original text in component 9.</summary>
    private static SpecimenRejection? RejectionOf(Hl7Segment? spm)
    {
        if (spm is null || !spm[21].HasValue)
            return null;
        var reason = spm[21].First;
        var code = Hl7Format.NullIfEmpty(reason.Component(1).Value);
        var text = Hl7Format.NullIfEmpty(reason.Component(2).Value) ?? Hl7Format.NullIfEmpty(reason.Component(9).Value);
        return code is null && text is null ? null : new SpecimenRejection(code, text, Hl7Format.NullIfEmpty(reason.Component(3).Value));
    }

    private static bool Missing(string what, out LisParseError error)
    {
        error = new(LisErrorCodes.MissingField, $"{what} is empty");
        return false;
    }
}
