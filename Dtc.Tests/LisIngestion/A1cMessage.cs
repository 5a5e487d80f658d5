using System.Globalization;

namespace Dtc.Tests.LisIngestion;

/// <summary>An ORU^R01 shaped like samples/lis/a1c-*.hl7 (Sam O'Neil's kit), with the parts tests vary.</summary>
public sealed record A1cMessage
{
    public string ControlId { get; init; } = "T" + Guid.NewGuid().ToString("N")[..16];
    public DateTimeOffset IssuedAt { get; init; } = new(2026, 11, 21, 11, 30, 0, TimeSpan.Zero);
    /// <summary>OBR-25: P, F, C or X.</summary>
    public string Status { get; init; } = "F";
    /// <summary>OBX-11; null for OBR-25's. Null <see cref="Value"/> sends no OBX at all.</summary>
    public string? ObservationStatus { get; init; }
    public string? Value { get; init; } = "6.1";
    public string Barcode { get; init; } = "77300166491";
    public string Accession { get; init; } = "ACC-778900";
    public string PatientId { get; init; } = "PAT-1002^^^DTC^PI";
    public string FamilyName { get; init; } = "O'Neil";
    public string BirthDate { get; init; } = "19700901";
    /// <summary>NTE lines after the OBR (the lab's comment on the report).</summary>
    public string[] ReportNotes { get; init; } = [];
    /// <summary>SPM-21, e.g. "RC^Clotting^HL70490".</summary>
    public string? RejectReason { get; init; }

    public override string ToString()
    {
        var issued = IssuedAt.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var text = $"MSH|^~\\&|LIS|ACMELAB^05D1234567^CLIA|DTC|DTC|{issued}||ORU^R01^ORU_R01|{ControlId}|P|2.5.1|||AL|NE\r"
            + $"PID|1||{PatientId}||{FamilyName}^Sam||{BirthDate}|M\r"
            + $"OBR|1|{Barcode}|{Accession}|4548-4^Hemoglobin A1c/Hemoglobin.total in Blood^LN|||20261119070000|||||||||||||||{issued}|||{Status}\r";
        for (var i = 0; i < ReportNotes.Length; i++) text += $"NTE|{i + 1}|L|{ReportNotes[i]}\r";
        if (Value is not null)
            text += $"OBX|1|NM|4548-4^Hemoglobin A1c/Hemoglobin.total in Blood^LN||{Value}|%|4.0-5.6|H|||{ObservationStatus ?? Status}|||{issued}\r";
        if (RejectReason is not null) text += $"SPM|1|{Barcode}||BLD^Whole blood^HL70487|||||||||||||20261119070000||||{RejectReason}\r";
        return text;
    }

    /// <summary>This message with <paramref name="second"/>'s report (its OBR and OBX segments) after its own, as OBR set 2.</summary>
    public string WithSecondReport(A1cMessage second) =>
        ToString() + string.Concat(second.ToString().Split('\r')
            .Where(s => s.StartsWith("OBR|", StringComparison.Ordinal) || s.StartsWith("OBX|", StringComparison.Ordinal))
            .Select(s => s.Replace("OBR|1|", "OBR|2|", StringComparison.Ordinal) + "\r"));
}
